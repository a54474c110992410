import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { LossConfig } from '../../src/config/experiment.js';
import {
  clippedLogitRange,
  sigmoidCrossEntropy,
  softmaxCrossEntropy,
} from '../../src/registry/losses/cross-entropy.js';
import { type Divergence, type DivergenceName, divergences } from '../../src/registry/losses/fgan.js';
import { losses } from '../../src/registry/losses/index.js';
import { describeOnEachBackend } from '../helpers/backends.js';
import { references } from '../helpers/references.js';

const softplus = (x: number) => Math.log1p(Math.exp(x));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const real = [1.5, -2, 0.25];
const fake = [0.5, -1, 3];

function lossValues(type: string, options: Record<string, unknown> = {}) {
  const loss = losses.get(type).create({ type, ...options } as LossConfig);
  const [r, f] = [tf.tensor1d(real), tf.tensor1d(fake)];
  const d = loss.discriminator({ real: r, fake: f }).dataSync()[0];
  const g = loss.generator({ real: r, fake: f }).dataSync()[0];
  tf.dispose([r, f]);
  return { d, g, loss };
}

function close(actual: number, expected: number, tolerance = 1e-5) {
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${actual} != ${expected}`);
}

describeOnEachBackend('adversarial losses against values computed by hand', () => {
  it('standard: binary cross-entropy on logits, non-saturating and minimax G, one-sided smoothing', () => {
    let { d, g } = lossValues('standard', { generator: 'non-saturating', real_label: 1 });
    close(d, mean(real.map((v) => softplus(-v))) + mean(fake.map(softplus)));
    close(g, mean(fake.map((v) => softplus(-v))));
    ({ g } = lossValues('standard', { generator: 'minimax', real_label: 1 }));
    close(g, -mean(fake.map(softplus)));
    ({ d } = lossValues('standard', { generator: 'minimax', real_label: 0.9 }));
    close(d, mean(real.map((v) => 0.9 * softplus(-v) + 0.1 * softplus(v))) + mean(fake.map(softplus)));
  });

  it("standard with probability_clip 1e-7: Keras 1's clipped binary cross-entropy, flat past a logit of about 16", () => {
    const { scores, target1, target0 } = references.keras_binary_crossentropy;
    const v = tf.tensor1d(scores);
    const [ones, zeros] = [sigmoidCrossEntropy(v, 1, 1e-7), sigmoidCrossEntropy(v, 0, 1e-7)].map((t) => [
      ...t.dataSync(),
    ]);
    scores.forEach((_: number, i: number) => {
      close(ones[i], target1[i], 1e-5);
      close(zeros[i], target0[i], 1e-5);
    });
    // Unclipped, the loss keeps growing: softplus(30) = 30.
    close(sigmoidCrossEntropy(v, 0).dataSync()[6], softplus(30), 1e-6);
    // The gradient: zero past the clip on either side, sigmoid(v) - t inside it.
    const gradient = tf.grad((x: tf.Tensor) => tf.sum(sigmoidCrossEntropy(x, 0, 1e-7)));
    const at = [-17, -15, 15, 17];
    const dv = [...gradient(tf.tensor1d(at)).dataSync()];
    assert.deepEqual(
      dv.map((g) => g === 0),
      [true, false, false, true],
    );
    close(dv[2], 1 / (1 + Math.exp(-15)), 1e-6);
    const [low, high] = clippedLogitRange(1e-7);
    close(low, -16.118095, 1e-6);
    close(high, 15.942385, 1e-6);
    // The loss entry applies it to both players.
    const clipped = losses
      .get('standard')
      .create({ generator: 'non-saturating', real_label: 1, probability_clip: 1e-7 });
    const d = clipped.discriminator({ real: tf.tensor1d([-30, 0]), fake: tf.tensor1d([30, 3]) }).dataSync()[0];
    close(d, (target1[0] + target1[3]) / 2 + (target0[6] + target0[4]) / 2, 1e-5);
    const g = clipped.generator({ real: tf.tensor1d([0]), fake: tf.tensor1d([-30, -5]) }).dataSync()[0];
    close(g, (target1[0] + target1[2]) / 2, 1e-5);
    tf.dispose(v);
  });

  it("probability_clip's logit bounds are log(e / (1 - e)) and its mirror, not log(e): apart at 1e-3 and 1e-2", () => {
    // e and 1 - e in float32, mapped back to logits (numpy: log(float32(e) / (1 - float32(e))) in float64).
    const expected: [number, number, number][] = [
      [1e-3, -6.906754744, 6.906767666],
      [1e-2, -4.595119882, 4.595120813],
    ];
    for (const [clip, low, high] of expected) {
      const [lowBound, highBound] = clippedLogitRange(clip);
      close(lowBound, low, 1e-8);
      close(highBound, high, 1e-8);
      // Past the bound the loss is flat at -log(e), the clipped probability's cross-entropy.
      const flat = sigmoidCrossEntropy(tf.tensor1d([-40]), 1, clip).dataSync()[0];
      close(flat, softplus(-low), 1e-5);
    }
  });

  it("the class term: softmax cross-entropy, and with probability_clip Keras 1's sparse_categorical_crossentropy", () => {
    // Unclipped, even a class the softmax rounds to 0 costs its exact -log p: 120 here, not infinity.
    const far = softmaxCrossEntropy(tf.tensor2d([[0, 120]]), tf.tensor1d([0], 'int32')).dataSync()[0];
    close(far, 120, 1e-6);
    const { logits, labels, loss } = references.keras_sparse_categorical_crossentropy;
    const [l, y] = [tf.tensor2d(logits, [labels.length, 3]), tf.tensor1d(labels, 'int32')];
    close(softmaxCrossEntropy(l, y, 1e-7).dataSync()[0], loss, 1e-5);
    // Unclipped: -log softmax, by hand for the first row: log(e^30 + 2) - 0 = 30 + log(1 + 2e^-30).
    const exact = softmaxCrossEntropy(tf.slice(l, [0, 0], [1, 3]), tf.slice(y, [0], [1])).dataSync()[0];
    close(exact, 30, 1e-6);
    tf.dispose([l, y]);
  });

  it('wgan and wgan-gp: mean fake - mean real for D, -mean fake for G; clipping and penalty declared', () => {
    const { d, g, loss } = lossValues('wgan', { clip: 0.02, critic_warmup: true });
    close(d, mean(fake) - mean(real));
    close(g, -mean(fake));
    // Clipping is declared as the weight-clip regulariser at 0.02, the penalty as the gradient penalty at 10.
    const critic = tfl.sequential({
      layers: [
        tfl.layers.dense({
          units: 1,
          inputShape: [3],
          weights: [tf.tensor2d([0.5, -0.01, -3], [3, 1]), tf.tensor1d([0.3])],
        }),
      ],
    });
    for (const regulariser of loss.regularisers ?? []) regulariser.afterCriticStep?.(critic);
    assert.deepEqual(
      critic.getWeights().flatMap((w) => [...w.dataSync()].map((v) => Math.round(v * 1000))),
      [20, -10, -20, 20],
    );
    critic.dispose();
    assert.deepEqual(
      [0, 24, 25, 499, 500, 1000].map((step) => loss.criticSteps?.(step, 5)),
      [100, 100, 5, 5, 100, 100],
    );
    // The critic's scores estimate the distance: mean real - mean fake, logged as wasserstein_estimate.
    assert.deepEqual(loss.stepMetrics?.({ d_real: 3, d_fake: 1.25 }), { wasserstein_estimate: 1.75 });
    const gp = lossValues('wgan-gp', { penalty_weight: 10 });
    close(gp.d, mean(fake) - mean(real));
    close(gp.g, -mean(fake));
    assert.equal(gp.loss.regularisers?.[0].penalty?.weight, 10);
  });

  it("every entry's example options train on a test's tiny data: a handful of critic steps per G step", () => {
    for (const entry of losses.entries) {
      const defaults = Object.fromEntries(
        Object.entries(entry.options.properties).map(([name, schema]) => [name, schema.default]),
      );
      const loss = entry.create({ type: entry.name, ...defaults, ...entry.example });
      for (const step of [0, 1, 500]) assert.ok((loss.criticSteps?.(step, 1) ?? 1) <= 5, `${entry.name} ${step}`);
    }
  });

  it('lsgan: halves of mean squares to the targets a, b, c', () => {
    const { d, g } = lossValues('lsgan', { a: -1, b: 1, c: 0 });
    close(d, 0.5 * mean(real.map((v) => (v - 1) ** 2)) + 0.5 * mean(fake.map((v) => (v + 1) ** 2)));
    close(g, 0.5 * mean(fake.map((v) => v ** 2)));
  });

  it('hinge: relu(1 - v_real) + relu(1 + v_fake) for D, -v_fake for G', () => {
    const { d, g } = lossValues('hinge');
    close(d, mean(real.map((v) => Math.max(0, 1 - v))) + mean(fake.map((v) => Math.max(0, 1 + v))));
    close(g, -mean(fake));
  });

  it('ragan: each side against the mean of the other, and G is D with the sides swapped (RaSGAN)', () => {
    const { d, g } = lossValues('ragan');
    const [meanReal, meanFake] = [mean(real), mean(fake)];
    // -log sigmoid(z) = softplus(-z); -log(1 - sigmoid(z)) = softplus(z)
    close(d, mean(real.map((v) => softplus(-(v - meanFake)))) + mean(fake.map((v) => softplus(v - meanReal))));
    close(g, mean(fake.map((v) => softplus(-(v - meanReal)))) + mean(real.map((v) => softplus(v - meanFake))));
    // By hand: mean real = -1/12, mean fake = 5/6; D = 1.44388 + 1.49707, G = 0.37655 + 0.73107.
    close(d, 2.940953, 1e-5);
    close(g, 1.10762, 1e-5);
  });
});

describeOnEachBackend('f-GAN losses on raw scores, against values computed independently (references.py)', () => {
  it('every divergence: D minimises E_Q[f*(g_f(v))] - E_P[g_f(v)], G minimises -E_Q[g_f(v_fake)]', () => {
    const { real: r, fake: f, values } = references.fdivergences.losses;
    assert.deepEqual([r, f], [real, fake]);
    for (const name of Object.keys(divergences) as DivergenceName[]) {
      const { d, g } = lossValues('fgan', { divergence: name });
      close(d, values[name].discriminator, 1e-5);
      close(g, values[name].generator, 1e-5);
    }
  });
});

/** v with g_f(v) = t, elementwise, by bisection: every g_f of the paper is increasing. */
function inverseActivation(divergence: Divergence, targets: number[]): number[] {
  return tf.tidy(() => {
    let lo = tf.fill([targets.length], -60);
    let hi = tf.fill([targets.length], 60);
    const t = tf.tensor1d(targets);
    for (let i = 0; i < 100; i++) {
      const mid = tf.div(tf.add(lo, hi), 2);
      const below = tf.less(divergence.activation(mid), t);
      [lo, hi] = [tf.where(below, mid, lo), tf.where(below, hi, mid)];
    }
    return [...tf.div(tf.add(lo, hi), 2).dataSync()];
  });
}

/** E_P[g_f(v)] - E_Q[f*(g_f(v))] with P and Q given as weights on the points where v is evaluated. */
function bound(divergence: Divergence, v: number[], p: number[], q: number[]): number {
  const [g, conjugate] = tf.tidy(() => {
    const vt = tf.tensor1d(v);
    return [divergence.activation(vt).dataSync(), divergence.conjugateOfActivation(vt).dataSync()];
  });
  return v.reduce((sum, _, i) => sum + p[i] * g[i] - q[i] * conjugate[i], 0);
}

function divergenceOf(divergence: Divergence, p: number[], q: number[]): number {
  return p.reduce((sum, pi, i) => sum + q[i] * divergence.f(pi / q[i]), 0);
}

describeOnEachBackend('f-GAN: the variational bound of each divergence (Nowozin et al. 2016, eq. 4)', () => {
  const names = Object.keys(divergences) as DivergenceName[];

  it("equals the divergence at T* = f'(p/q) for a discrete pair, and a worse critic gives less", () => {
    const {
      p,
      q,
      divergence: expected,
    } = references.fdivergences.discrete as {
      p: number[];
      q: number[];
      divergence: Record<DivergenceName, number>;
    };
    for (const name of names) {
      const divergence = divergences[name];
      // gx's own f agrees with the independent value, and so does the bound at the optimal critic.
      close(divergenceOf(divergence, p, q), expected[name], 1e-12);
      const vStar = inverseActivation(
        divergence,
        p.map((pi, i) => divergence.fPrime(pi / q[i])),
      );
      close(bound(divergence, vStar, p, q), expected[name], 1e-4);
      for (const shift of [-0.3, 0.3]) {
        assert.ok(
          bound(
            divergence,
            vStar.map((v) => v + shift),
            p,
            q,
          ) < expected[name],
          `${name} ${shift}`,
        );
      }
    }
  });

  it('is what the fgan loss optimises: D loss = -bound on samples of P and Q', () => {
    // P and Q as 10 equally likely samples each, on three points with the probabilities above.
    const points = [-1, 0.5, 2];
    const sampleP = [0, 0, 1, 1, 1, 1, 1, 2, 2, 2].map((i) => points[i]);
    const sampleQ = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2].map((i) => points[i]);
    for (const name of names) {
      const loss = losses.get('fgan').create({ type: 'fgan', divergence: name });
      const d = tf.tidy(
        () => loss.discriminator({ real: tf.tensor1d(sampleP), fake: tf.tensor1d(sampleQ) }).dataSync()[0],
      );
      close(d, -bound(divergences[name], points, [0.2, 0.5, 0.3], [0.4, 0.4, 0.2]), 1e-5);
    }
  });

  it('equals the divergence for a Gaussian pair: closed forms, and quadrature for all seven', () => {
    const { m1, s1, m2, s2, divergence: quadrature } = references.fdivergences.gaussian;
    const density = (x: number, m: number, s: number) =>
      Math.exp(-((x - m) ** 2) / (2 * s * s)) / (s * Math.sqrt(2 * Math.PI));
    const dx = 0.002;
    const xs = Array.from({ length: Math.round(24 / dx) }, (_, i) => -12 + i * dx);
    const p = xs.map((x) => density(x, m1, s1) * dx);
    const q = xs.map((x) => density(x, m2, s2) * dx);
    const d2 = (m1 - m2) ** 2;
    const closedForm: Partial<Record<DivergenceName, number>> = {
      kl: Math.log(s2 / s1) + (s1 ** 2 + d2) / (2 * s2 ** 2) - 0.5,
      'reverse-kl': Math.log(s1 / s2) + (s2 ** 2 + d2) / (2 * s1 ** 2) - 0.5,
      'squared-hellinger':
        2 * (1 - Math.sqrt((2 * s1 * s2) / (s1 ** 2 + s2 ** 2)) * Math.exp(-d2 / (4 * (s1 ** 2 + s2 ** 2)))),
    };
    for (const name of names) {
      const divergence = divergences[name];
      const vStar = inverseActivation(
        divergence,
        p.map((pi, i) => divergence.fPrime(pi / q[i])),
      );
      if (closedForm[name] !== undefined) close(quadrature[name], closedForm[name], 1e-9);
      const expected = quadrature[name];
      close(bound(divergence, vStar, p, q), expected, 1e-3);
      assert.ok(
        bound(
          divergence,
          vStar.map((v) => v * 0.9),
          p,
          q,
        ) < expected,
        name,
      );
    }
  });
});

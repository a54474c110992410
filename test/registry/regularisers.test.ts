import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRandom } from '../../src/random.js';
import { gradientPenalty, interpolatesPenalty } from '../../src/registry/regularisers/gradient-penalty.js';
import { regularisers } from '../../src/registry/regularisers/index.js';
import { r1 } from '../../src/registry/regularisers/r1.js';
import { clipWeights } from '../../src/registry/regularisers/weight-clip.js';
import { describeOnEachBackend } from '../helpers/backends.js';
import { references } from '../helpers/references.js';

/** A linear critic D(x) = w . flatten(x) + b, with the given w. */
function linearCritic(w: number[]): tfl.LayersModel {
  const input = tfl.input({ shape: [2, 2, 1] });
  const dense = tfl.layers.dense({ units: 1 });
  const discriminator = tfl.model({
    inputs: input,
    outputs: dense.apply(tfl.layers.flatten().apply(input)) as tfl.SymbolicTensor,
  });
  dense.setWeights([tf.tensor2d(w, [4, 1]), tf.tensor1d([0.3])]);
  return discriminator;
}

const scoresOf = (model: tfl.LayersModel) => (x: tf.Tensor) => tf.reshape(model.apply(x) as tf.Tensor, [-1]);

/** The nonlinear critic of references.py: D(x) = w2 . tanh(W1^T x + b1) + b2 on 4 inputs. */
function tanhCritic(): tfl.LayersModel {
  const { w1, b1, w2, b2 } = references.gradient_penalty;
  return tfl.sequential({
    layers: [
      tfl.layers.dense({
        units: 3,
        inputShape: [4],
        activation: 'tanh',
        weights: [tf.tensor2d(w1, [4, 3]), tf.tensor1d(b1)],
      }),
      tfl.layers.dense({ units: 1, weights: [tf.tensor2d(w2, [3, 1]), tf.tensor1d([b2])] }),
    ],
  });
}

describeOnEachBackend('regularisers', () => {
  it('the gradient penalty of a linear critic is (||w|| - 1)^2, and its gradient in w is second-order', () => {
    const w = [0.5, -1, 2, 0.25];
    const norm = Math.hypot(...w);
    const critic = linearCritic(w);
    const real = tf.randomNormal([5, 2, 2, 1]);
    const fake = tf.randomNormal([5, 2, 2, 1]);
    const mix = new Float32Array([0.1, 0.5, 0.9, 0.3, 0.7]);
    const penalty = interpolatesPenalty(scoresOf(critic), real, fake, mix).dataSync()[0];
    assert.ok(Math.abs(penalty - (norm - 1) ** 2) < 1e-5, `${penalty}`);

    const kernel = critic.trainableWeights[0].read() as tf.Variable;
    const { grads } = tf.variableGrads(
      () => interpolatesPenalty(scoresOf(critic), real, fake, mix) as tf.Scalar,
      [kernel],
    );
    const gradient = grads[kernel.name].dataSync();
    // d/dw (||w|| - 1)^2 = 2 (||w|| - 1) w / ||w||
    for (const [i, wi] of w.entries())
      assert.ok(Math.abs(gradient[i] - (2 * (norm - 1) * wi) / norm) < 1e-4, `${gradient[i]}`);
  });

  it('the gradient penalty of a nonlinear critic on interpolates, one e per sample, against references.py', () => {
    const { real, fake, mix, penalty } = references.gradient_penalty;
    const critic = tanhCritic();
    const [r, f] = [tf.tensor2d(real, [5, 4]), tf.tensor2d(fake, [5, 4])];
    const value = tf.tidy(() => interpolatesPenalty(scoresOf(critic), r, f, Float32Array.from(mix)).dataSync()[0]);
    assert.ok(Math.abs(value - penalty) < 1e-5 * Math.max(1, penalty), `${value} != ${penalty}`);
    // The entry draws e from the run's stream, one per sample in order: the same draws give the same penalty.
    const term = gradientPenalty.create({ weight: 10 }).penalty;
    const random = createRandom(7);
    const drawn = tf.tidy(
      () => term?.term({ real: r, fake: f, critic: scoresOf(critic), random, step: 0 })?.dataSync()[0],
    );
    const draws = createRandom(7);
    const mixes = Float32Array.from({ length: 5 }, () => draws.next());
    const expected = tf.tidy(() => interpolatesPenalty(scoresOf(critic), r, f, mixes).dataSync()[0]);
    assert.equal(drawn, expected);
    assert.equal(random.next(), draws.next()); // exactly five draws
    tf.dispose([r, f]);
    critic.dispose();
  });

  it('R1 on a nonlinear critic is gamma / 2 * E||grad D(x_real)||^2 against a finite-difference gradient; lazy', () => {
    const { w1, b1, w2, b2, real } = references.gradient_penalty;
    // D in float64, from the same weights: w2 . tanh(W1^T x + b1) + b2, W1 stored row-major as [4, 3].
    const d = (x: number[]) =>
      b2 +
      w2.reduce(
        (sum: number, w: number, j: number) =>
          sum + w * Math.tanh(b1[j] + x.reduce((s, xi, i) => s + xi * w1[i * 3 + j], 0)),
        0,
      );
    const h = 1e-5;
    const squaredNorms = Array.from({ length: 5 }, (_, n) => {
      const x = real.slice(n * 4, n * 4 + 4);
      return x.reduce((sum: number, _: number, i: number) => {
        const [up, down] = [h, -h].map((step) => d(x.map((v: number, k: number) => (k === i ? v + step : v))));
        return sum + ((up - down) / (2 * h)) ** 2;
      }, 0);
    });
    const expected = squaredNorms.reduce((a, b) => a + b, 0) / 5;
    const critic = tanhCritic();
    const r = tf.tensor2d(real, [5, 4]);
    const penalty = r1.create({ gamma: 10, every: 4 }).penalty;
    assert.equal(penalty?.weight, 20); // gamma / 2, times 4 for being computed every 4th step only
    const batch = { real: r, fake: r, critic: scoresOf(critic), random: createRandom(0) };
    const value = tf.tidy(() => penalty?.term({ ...batch, step: 8 })?.dataSync()[0]) as number;
    assert.ok(Math.abs(value - expected) < 1e-5 * Math.max(1, expected), `${value} != ${expected}`);
    assert.equal(penalty?.term({ ...batch, step: 9 }), undefined);
    tf.dispose(r);
    critic.dispose();
  });

  it('clipping keeps every critic weight in [-c, c]', () => {
    const critic = linearCritic([0.5, -1, 2, 0.005]);
    clipWeights(critic, 0.01);
    for (const weight of critic.getWeights()) {
      for (const value of weight.dataSync()) assert.ok(Math.abs(value) <= 0.01);
    }
    assert.deepEqual(
      [...critic.getWeights()[0].dataSync()].map((v) => Math.round(v * 1000)),
      [10, -10, 10, 5],
    );
  });

  it('every entry, with its defaults, gives a finite penalty and/or a constraint, and leaks no tensors', () => {
    for (const entry of regularisers.entries) {
      const defaults = Object.fromEntries(
        Object.entries(entry.options.properties).map(([name, schema]) => [name, schema.default]),
      );
      const term = entry.create(defaults);
      const critic = linearCritic([0.5, -1, 2, 0.25]);
      const [real, fake] = [tf.randomNormal([3, 2, 2, 1]), tf.randomNormal([3, 2, 2, 1])];
      const before = tf.memory().numTensors;
      const random = createRandom(0);
      for (let i = 0; i < 3; i++) {
        if (term.penalty) {
          const value = tf.tidy(
            () => term.penalty?.term({ real, fake, critic: scoresOf(critic), random, step: 0 })?.dataSync()[0],
          );
          assert.ok(Number.isFinite(value), `${entry.name}: ${value}`);
        }
        term.afterCriticStep?.(critic);
      }
      assert.ok(term.penalty || term.afterCriticStep, entry.name);
      assert.equal(tf.memory().numTensors, before, entry.name);
      tf.dispose([real, fake]);
      critic.dispose();
    }
  });
});

import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRandom } from '../../src/random.js';
import { buildGan } from '../../src/runner/build-gan.js';
import { disposeLatent, sampleLatent } from '../../src/runner/latent.js';
import { clipWeights, discriminatorStep, type Gan, gradientPenalty } from '../../src/runner/steps.js';
import { describeOnEachBackend } from '../helpers/backends.js';
import { tinyExperiment } from '../helpers/experiments.js';

/** A linear critic D(x) = w . flatten(x) + b, with the given w. */
function linearCritic(w: number[]): Gan {
  const input = tfl.input({ shape: [2, 2, 1] });
  const dense = tfl.layers.dense({ units: 1 });
  const discriminator = tfl.model({
    inputs: input,
    outputs: dense.apply(tfl.layers.flatten().apply(input)) as tfl.SymbolicTensor,
  });
  dense.setWeights([tf.tensor2d(w, [4, 1]), tf.tensor1d([0.3])]);
  return { discriminator, reseedDropout() {} } as unknown as Gan;
}

describeOnEachBackend('training steps', () => {
  it('the gradient penalty of a linear critic is (||w|| - 1)^2, and its gradient in w is second-order', () => {
    const w = [0.5, -1, 2, 0.25];
    const norm = Math.hypot(...w);
    const gan = linearCritic(w);
    const real = tf.randomNormal([5, 2, 2, 1]);
    const fake = tf.randomNormal([5, 2, 2, 1]);
    const mix = new Float32Array([0.1, 0.5, 0.9, 0.3, 0.7]);
    const penalty = gradientPenalty(gan, real, fake, mix).dataSync()[0];
    assert.ok(Math.abs(penalty - (norm - 1) ** 2) < 1e-5, `${penalty}`);

    const kernel = gan.discriminator.trainableWeights[0].read() as tf.Variable;
    const { grads } = tf.variableGrads(() => gradientPenalty(gan, real, fake, mix) as tf.Scalar, [kernel]);
    const gradient = grads[kernel.name].dataSync();
    // d/dw (||w|| - 1)^2 = 2 (||w|| - 1) w / ||w||
    for (const [i, wi] of w.entries())
      assert.ok(Math.abs(gradient[i] - (2 * (norm - 1) * wi) / norm) < 1e-4, `${gradient[i]}`);
  });

  it('clipping keeps every critic weight in [-c, c]', () => {
    const gan = linearCritic([0.5, -1, 2, 0.005]);
    clipWeights(gan.discriminator, 0.01);
    for (const weight of gan.discriminator.getWeights()) {
      for (const value of weight.dataSync()) assert.ok(Math.abs(value) <= 0.01);
    }
    assert.deepEqual(
      [...gan.discriminator.getWeights()[0].dataSync()].map((v) => Math.round(v * 1000)),
      [10, -10, 10, 5],
    );
  });

  it('a WGAN critic step leaves every weight of a real critic clipped', () => {
    const experiment = tinyExperiment(['loss.type=wgan', 'loss.clip=0.005', 'train.optimizer.d.lr=0.5']);
    const gan = buildGan(experiment, [28, 28, 1], { dropoutCalls: 0 });
    const random = createRandom(0);
    const real = {
      images: tf.randomUniform([4, 28, 28, 1], -1, 1) as tf.Tensor4D,
      labels: tf.tensor1d([1, 2, 3, 4], 'int32'),
    };
    const latent = sampleLatent(experiment.model, 4, random);
    discriminatorStep(gan, real, latent);
    disposeLatent(latent);
    for (const weight of gan.discriminator.trainableWeights) {
      for (const value of weight.read().dataSync())
        assert.ok(Math.abs(value) <= 0.005 + 1e-9, `${weight.name} ${value}`);
    }
  });
});

import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { buildGan } from '../../src/models/build-gan.js';
import { disposeLatent, sampleLatent } from '../../src/models/latent.js';
import { createRandom } from '../../src/random.js';
import { discriminatorStep, updateAverage } from '../../src/runner/loop/steps.js';
import { describeOnEachBackend } from '../helpers/backends.js';
import { tinyExperiment } from '../helpers/experiments.js';

describeOnEachBackend('training steps', () => {
  it('a WGAN critic step leaves every weight of a real critic clipped', () => {
    const experiment = tinyExperiment(['loss.type=wgan', 'loss.clip=0.005', 'train.optimizer.d.lr=0.5']);
    const gan = buildGan(experiment, [28, 28, 1], { dropoutCalls: 0 });
    const random = createRandom(0);
    const real = {
      images: tf.randomUniform([4, 28, 28, 1], -1, 1) as tf.Tensor4D,
      labels: tf.tensor1d([1, 2, 3, 4], 'int32'),
    };
    const latent = sampleLatent(experiment.model, 4, random);
    discriminatorStep(gan, real, latent, random);
    disposeLatent(latent);
    for (const weight of gan.discriminator.trainableWeights) {
      for (const value of weight.read().dataSync())
        assert.ok(Math.abs(value) <= 0.005 + 1e-9, `${weight.name} ${value}`);
    }
  });

  it("G's moving average starts as G, then moves towards G by 1 - decay, the decay ramped up over early steps", () => {
    const experiment = tinyExperiment(['train.ema=0.5']);
    const gan = buildGan(experiment, [28, 28, 1], { dropoutCalls: 0 });
    const average = gan.average?.generator as tfl.LayersModel;
    const values = (model: tfl.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));
    const start = values(gan.generator);
    assert.deepEqual(values(average), start);
    assert.ok(average.weights.length > 0 && average.weights.length === gan.generator.weights.length);

    // Every weight of G moved by `by`; `expected` is where each weight of the average should then be.
    const moved = (by: number) => gan.generator.setWeights(gan.generator.getWeights().map((w) => tf.add(w, by)));
    const near = (offset: number) => {
      const now = values(average);
      for (const [i, weight] of start.entries()) {
        for (const [j, value] of weight.entries()) assert.ok(Math.abs(now[i][j] - (value + offset)) < 1e-5);
      }
    };
    moved(1);
    updateAverage(gan, 0); // decay min(0.5, 1/10): 0.1 of the average, 0.9 of G
    near(0.9);
    moved(1); // G now at start + 2
    updateAverage(gan, 100); // decay min(0.5, 101/110) = 0.5
    near(1.45);
  });
});

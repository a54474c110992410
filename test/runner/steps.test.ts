import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { buildGan } from '../../src/models/build-gan.js';
import { disposeLatent, sampleLatent } from '../../src/models/latent.js';
import { createRandom } from '../../src/random.js';
import { discriminatorStep } from '../../src/runner/steps.js';
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
});

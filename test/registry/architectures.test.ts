import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../src/backend/select.js';
import { resolveExperiment } from '../../src/config/load.js';
import { architectures } from '../../src/registry/architectures/index.js';
import { repoRoot } from '../helpers/cli.js';
import { seedParameters } from '../helpers/seed-parameters.js';

await selectBackend('cpu');

describe('architectures', () => {
  it('acgan-mnist has exactly the seed parameter counts and shapes', () => {
    const experiment = resolveExperiment('x', readFileSync(join(repoRoot, 'experiments/acgan-mnist.yaml'), 'utf8'));
    const { generator, discriminator } = architectures
      .get('acgan-mnist')
      .create(experiment.model, { imageShape: [28, 28, 1], classHead: true, seed: 0 });
    assert.equal(seedParameters.generator, 8_172_521);
    assert.equal(seedParameters.discriminator, 525_835);
    assert.equal(generator.countParams(), seedParameters.generator);
    assert.equal(discriminator.countParams(), seedParameters.discriminator);
    assert.deepEqual(generator.outputs[0].shape, [null, 28, 28, 1]);
    assert.deepEqual(
      discriminator.outputs.map((output) => output.shape),
      [
        [null, 1],
        [null, 10],
      ],
    );
  });

  it('dcgan makes 28x28 images of any channel count, conditional or not, with or without a class head', () => {
    const model = {
      type: 'dcgan',
      latent_size: 16,
      latent_distribution: 'normal',
      num_classes: 0,
      width: 4,
      depth: 2,
      g_batch_norm: true,
      d_batch_norm: true,
      leaky_slope: 0.2,
      dropout: 0,
      conditioning: 'multiply',
    } as const;
    const plain = architectures.get('dcgan').create(model, { imageShape: [28, 28, 3], classHead: false, seed: 0 });
    assert.deepEqual(
      plain.generator.inputs.map((input) => input.shape),
      [[null, 16]],
    );
    assert.deepEqual(plain.generator.outputs[0].shape, [null, 28, 28, 3]);
    assert.equal(plain.discriminator.outputs.length, 1);
    const conditional = architectures
      .get('dcgan')
      .create({ ...model, num_classes: 10 }, { imageShape: [28, 28, 1], classHead: true, seed: 0 });
    assert.deepEqual(
      conditional.generator.inputs.map((input) => input.shape),
      [
        [null, 16],
        [null, 1],
      ],
    );
    assert.deepEqual(
      conditional.discriminator.outputs.map((output) => output.shape),
      [
        [null, 1],
        [null, 10],
      ],
    );
    // Concatenated, G's first layer sees z beside a fixed one-hot class vector.
    const concatenated = architectures
      .get('dcgan')
      .create(
        { ...model, num_classes: 10, conditioning: 'concatenate' },
        { imageShape: [28, 28, 1], classHead: true, seed: 0 },
      );
    const merge = concatenated.generator.layers.find((layer) => layer.getClassName() === 'Concatenate');
    assert.deepEqual(merge?.outputShape, [null, 26]);
    const oneHot = concatenated.generator.layers.find((layer) => layer.getClassName() === 'Embedding');
    assert.equal(oneHot?.trainable, false);
    const table = oneHot?.getWeights()[0].arraySync() as number[][];
    assert.deepEqual(
      table,
      Array.from({ length: 10 }, (_, i) => Array.from({ length: 10 }, (_, j) => (i === j ? 1 : 0))),
    );
  });

  it('the same seed gives the same weights, another seed others', () => {
    const experiment = resolveExperiment('x', readFileSync(join(repoRoot, 'experiments/quickstart.yaml'), 'utf8'));
    const build = (seed: number) =>
      architectures.get('dcgan').create(experiment.model, { imageShape: [28, 28, 1], classHead: true, seed });
    const weights = (seed: number) =>
      build(seed)
        .generator.getWeights()
        .map((w) => tf.sum(tf.abs(w)).dataSync()[0]);
    assert.deepEqual(weights(3), weights(3));
    assert.notDeepEqual(weights(3), weights(4));
  });

  it('refuses a class head on an unconditional model', () => {
    const experiment = resolveExperiment('x', readFileSync(join(repoRoot, 'experiments/quickstart.yaml'), 'utf8'), {
      overrides: ['model.num_classes=0'],
    });
    assert.throws(
      () => architectures.get('dcgan').create(experiment.model, { imageShape: [28, 28, 1], classHead: true, seed: 0 }),
      /loss.auxiliary needs a conditional model/,
    );
  });
});

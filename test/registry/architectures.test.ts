import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../src/backend/select.js';
import { resolveExperiment } from '../../src/config/load.js';
import { architectures } from '../../src/registry/architectures/index.js';
import { MinibatchStd } from '../../src/registry/architectures/minibatch-std.js';
import { repoRoot } from '../helpers/cli.js';
import { FORMER_QUICKSTART_MODEL, onMnist } from '../helpers/experiments.js';
import { seedParameters } from '../helpers/seed-parameters.js';

await selectBackend('cpu');

describe('architectures', () => {
  it('acgan-mnist has exactly the seed parameter counts and shapes', () => {
    const experiment = onMnist(
      resolveExperiment('x', readFileSync(join(repoRoot, 'experiments/acgan-mnist.yaml'), 'utf8')),
    );
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

  it("acgan-mnist's initialisers are Keras 1's: glorot_uniform in G's Dense layers, a plain-normal glorot_normal in its convolutions", () => {
    const experiment = onMnist(
      resolveExperiment('x', readFileSync(join(repoRoot, 'experiments/acgan-mnist.yaml'), 'utf8')),
    );
    const build = (initializer: string) =>
      architectures
        .get('acgan-mnist')
        .create({ ...experiment.model, initializer }, { imageShape: [28, 28, 1], classHead: true, seed: 0 });
    const stats = (model: ReturnType<typeof build>['generator'], name: string) => {
      const values = model
        .getWeights()
        .find((w) => w.shape.join('x') === name)
        ?.dataSync() as Float32Array;
      let [sum, squares, max] = [0, 0, 0];
      for (const v of values) [sum, squares, max] = [sum + v, squares + v * v, Math.max(max, Math.abs(v))];
      const sd = Math.sqrt(squares / values.length - (sum / values.length) ** 2);
      return { sd, max, beyond2sd: values.filter((v) => Math.abs(v) > 2 * sd).length / values.length };
    };
    const keras = build('keras1').generator;
    // Dense 1024 -> 6272, glorot_uniform: U[-l, l], l = sqrt(6 / (1024 + 6272)), spread l / sqrt(3).
    const limit = Math.sqrt(6 / (1024 + 6272));
    const dense = stats(keras, '1024x6272');
    assert.ok(dense.max <= limit && dense.max > 0.999 * limit, `${dense.max} vs ${limit}`);
    assert.ok(Math.abs(dense.sd / (limit / Math.sqrt(3)) - 1) < 0.01, `${dense.sd}`);
    // Conv 5x5 128 -> 256, glorot_normal: N(0, 2 / (fan_in + fan_out)), with its tails (4.6% beyond 2 sigma).
    const sigma = Math.sqrt(2 / (25 * 128 + 25 * 256));
    const conv = stats(keras, '5x5x128x256');
    assert.ok(Math.abs(conv.sd / sigma - 1) < 0.01, `${conv.sd} vs ${sigma}`);
    assert.ok(Math.abs(conv.beyond2sd - 0.0455) < 0.003, `${conv.beyond2sd}`);
    // tfjs's glorotNormal, kept as an option, cuts at 2 sigma without rescaling: about 0.88 of the spread.
    const tfjs = stats(build('tfjs').generator, '5x5x128x256');
    assert.ok(tfjs.max <= 2 * sigma + 1e-6 && Math.abs(tfjs.sd / sigma - 0.88) < 0.01, `${tfjs.sd / sigma}`);
  });

  it('dcgan makes 28x28 images of any channel count, conditional or not, with or without a class head', () => {
    const model = {
      type: 'dcgan',
      latent_size: 16,
      latent_distribution: 'normal',
      num_classes: 0,
      width: 4,
      max_width: 1024,
      depth: 2,
      kernel_size: 5,
      g_batch_norm: true,
      d_batch_norm: true,
      leaky_slope: 0.2,
      dropout: 0,
      g_conditioning: 'multiply',
      spectral_norm: 'none',
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
        { ...model, num_classes: 10, g_conditioning: 'concatenate' },
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

  it("dcgan's minibatch_std gives D's last stride one more channel: the batch's feature spread, averaged", () => {
    const experiment = onMnist(
      resolveExperiment('x', readFileSync(join(repoRoot, 'experiments/quickstart.yaml'), 'utf8')),
    );
    const { discriminator } = architectures
      .get('dcgan')
      .create({ ...experiment.model, minibatch_std: true }, { imageShape: [28, 28, 1], classHead: true, seed: 0 });
    const layer = discriminator.layers.find((candidate) => candidate.getClassName() === 'MinibatchStd');
    assert.deepEqual(layer?.outputShape, [null, 14, 14, 33]);
    // Two samples of 1x1x2 features, (1, 4) and (3, 0): spreads 1 and 2 (population deviation), mean 1.5.
    const out = layer?.apply(tf.tensor4d([1, 4, 3, 0], [2, 1, 1, 2])) as tf.Tensor;
    const [first, second] = out.arraySync() as number[][][][];
    assert.deepEqual(first[0][0].slice(0, 2), [1, 4]);
    assert.deepEqual(second[0][0].slice(0, 2), [3, 0]);
    for (const value of [first[0][0][2], second[0][0][2]]) assert.ok(Math.abs(value - 1.5) < 1e-4, `${value}`);
  });

  it('minibatch std is taken over the batch, per feature, not over the channels of a sample', () => {
    const layer = new MinibatchStd({});
    // Samples (0, 1) and (0, 5): over the batch the channels spread 0 and 2 (mean 1); over the channels the
    // samples spread 0.5 and 2.5 (mean 1.5). A zero spread is sqrt(1e-8) = 1e-4.
    const out = layer.apply(tf.tensor4d([0, 1, 0, 5], [2, 1, 1, 2])) as tf.Tensor;
    const spread = (out.arraySync() as number[][][][]).map((sample) => sample[0][0][2]);
    for (const value of spread) assert.ok(Math.abs(value - (1e-4 + 2) / 2) < 1e-5, `${value}`);
  });

  it('the same seed gives the same weights, another seed others', () => {
    const experiment = onMnist(
      resolveExperiment('x', readFileSync(join(repoRoot, 'experiments/quickstart.yaml'), 'utf8')),
    );
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
    const experiment = onMnist(
      resolveExperiment('x', readFileSync(join(repoRoot, 'experiments/quickstart.yaml'), 'utf8'), {
        overrides: [...FORMER_QUICKSTART_MODEL, 'model.num_classes=0'],
      }),
    );
    assert.throws(
      () => architectures.get('dcgan').create(experiment.model, { imageShape: [28, 28, 1], classHead: true, seed: 0 }),
      /loss.auxiliary needs a conditional model/,
    );
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectBackend } from '../../src/backend/select.js';
import { GxError } from '../../src/errors.js';
import { dcgan } from '../../src/registry/architectures/dcgan.js';
import { tinyExperiment } from '../helpers/experiments.js';

await selectBackend('cpu');

const model = tinyExperiment(['model.width=4']).model;
const build = (imageShape: [number, number, number], options: Record<string, unknown> = {}) =>
  dcgan.create(
    { ...(model as typeof model & Parameters<typeof dcgan.create>[0]), ...options },
    {
      imageShape,
      classHead: true,
      seed: 0,
    },
  );

describe('dcgan', () => {
  for (const side of [28, 32, 64]) {
    it(`builds ${side}x${side}x3: G makes such images and D takes them`, () => {
      const { generator, discriminator } = build([side, side, 3]);
      assert.deepEqual(generator.outputs[0].shape, [null, side, side, 3]);
      assert.deepEqual(discriminator.inputs[0].shape, [null, side, side, 3]);
      assert.deepEqual(
        discriminator.outputs.map((output) => output.shape),
        [
          [null, 1],
          [null, 10],
        ],
      );
      generator.dispose();
      discriminator.dispose();
    });
  }

  it('starts 32x32 from 4x4 with three upsamplings, the widths doubling to max_width', () => {
    const { generator, discriminator } = build([32, 32, 3], { width: 4, max_width: 8, kernel_size: 3 });
    const shapes = generator.layers
      .map((layer) => layer.outputShape)
      .filter((shape) => Array.isArray(shape) && shape.length === 4);
    assert.deepEqual(shapes.at(0), [null, 4, 4, 8]);
    const kernels = discriminator
      .getWeights()
      .filter((w) => w.rank === 4)
      .map((w) => w.shape);
    assert.deepEqual(kernels, [
      [3, 3, 3, 4],
      [3, 3, 4, 8],
      [3, 3, 8, 8],
    ]);
    generator.dispose();
    discriminator.dispose();
  });

  for (const shape of [
    [30, 30, 1],
    [32, 28, 1],
    [12, 12, 1],
  ] as [number, number, number][]) {
    it(`says in one line that it cannot build ${shape[0]}x${shape[1]}`, () => {
      assert.throws(
        () => build(shape),
        (error: unknown) =>
          error instanceof GxError &&
          error.message.startsWith(`dcgan cannot build ${shape[0]}x${shape[1]} images`) &&
          !error.message.includes('\n'),
      );
    });
  }
});

import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import type { Random } from '../../src/random.js';
import { augmentations } from '../../src/registry/augmentations/index.js';
import { describeOnEachBackend } from '../helpers/backends.js';

/** A stream that gives `values` in order, as the run's stream would draw them. */
function draws(...values: number[]): Random {
  let i = 0;
  const next = () => values[i++];
  return { next, int: (n) => Math.floor(next() * n), normal: () => 0, state: () => [] };
}

const augment = (type: string, options: Record<string, unknown>, images: tf.Tensor4D, random: Random) =>
  augmentations.get(type).create({ type, ...options })(images, random);

/** A 4x4 one-channel image holding 1 to 16, row by row. */
const counting = () =>
  tf.tensor4d(
    Array.from({ length: 16 }, (_, i) => i + 1),
    [1, 4, 4, 1],
  );
const rows = (t: tf.Tensor) => (t.arraySync() as number[][][][])[0].map((row) => row.map((pixel) => pixel[0]));

describeOnEachBackend('augmentations on a fixed image and draw', () => {
  it('translation by ratio 0.25 of 4 pixels: shifts of -1 to 1; 0.9 -> 1 down, 0.1 -> 1 left, zero-filled', () => {
    const out = augment('translation', { ratio: 0.25 }, counting(), draws(0.9, 0.1));
    assert.deepEqual(rows(out), [
      [0, 0, 0, 0],
      [2, 3, 4, 0],
      [6, 7, 8, 0],
      [10, 11, 12, 0],
    ]);
    // Differentiable: each kept pixel passes its gradient once, a dropped one none.
    const gradient = tf.grad((x: tf.Tensor) =>
      tf.sum(augment('translation', { ratio: 0.25 }, x as tf.Tensor4D, draws(0.9, 0.1))),
    )(counting());
    assert.deepEqual(rows(gradient), [
      [0, 1, 1, 1],
      [0, 1, 1, 1],
      [0, 1, 1, 1],
      [0, 0, 0, 0],
    ]);
  });

  it('cutout by ratio 0.5: a 2x2 square centred at (0.5 * 5 -> row 2, 0 -> column 0), clipped at the border', () => {
    const out = augment('cutout', { ratio: 0.5 }, counting(), draws(0.5, 0));
    assert.deepEqual(rows(out), [
      [1, 2, 3, 4],
      [0, 6, 7, 8],
      [0, 10, 11, 12],
      [13, 14, 15, 16],
    ]);
  });

  it('color: brightness + 0.25, saturation 0.5, contrast 0.5, in that order', () => {
    // One image of two pixels, two channels: (1, 3) and (5, -1).
    const image = tf.tensor4d([1, 3, 5, -1], [1, 1, 2, 2]);
    const out = augment('color', {}, image, draws(0.75, 0.25, 0));
    // + 0.25: (1.25, 3.25), (5.25, -0.75); channel means 2.25 and 2.25, halved distances: (1.75, 2.75),
    // (3.75, 0.75); image mean 2.25, halved distances: (2, 2.5), (3, 1.5).
    const values = Array.from(out.dataSync());
    for (const [i, expected] of [2, 2.5, 3, 1.5].entries())
      assert.ok(Math.abs(values[i] - expected) < 1e-6, `${values}`);
  });
});

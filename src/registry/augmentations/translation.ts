import * as tf from '@tensorflow/tfjs-core';
import type { Augmentation } from './augmentation.js';

export type TranslationOptions = { ratio: number };

/**
 * DiffAugment's translation (Zhao et al. 2020, DiffAugment_pytorch.py rand_translation): each image shifted by a
 * whole number of pixels in [-s, s] per axis, s = round(ratio * side), the uncovered border zero. Computed as a zero
 * pad by s and one crop per image (slice), whose gradient is a pad: differentiable on every backend.
 */
export const translation: Augmentation<TranslationOptions> = {
  name: 'translation',
  summary: 'Shift each image by up to ratio x its side, zero-filled (DiffAugment, Zhao et al. 2020)',
  options: {
    properties: {
      ratio: {
        type: 'number',
        minimum: 0,
        maximum: 0.5,
        default: 0.125,
        description: 'Largest shift per axis, as a share of the side',
      },
    },
  },
  create:
    ({ ratio }) =>
    (images, random) => {
      const [n, height, width] = images.shape;
      const [sy, sx] = [Math.round(ratio * height), Math.round(ratio * width)];
      // Shifts (down, right) per image, drawn before any tensor work so the stream's order is plain.
      const shifts = Array.from({ length: n }, () => [random.int(2 * sy + 1) - sy, random.int(2 * sx + 1) - sx]);
      return tf.tidy(() => {
        const padded = tf.pad(images, [
          [0, 0],
          [sy, sy],
          [sx, sx],
          [0, 0],
        ]);
        const crops = shifts.map(([dy, dx], i) => tf.slice(padded, [i, sy - dy, sx - dx, 0], [1, height, width, -1]));
        return tf.concat(crops, 0) as tf.Tensor4D;
      });
    },
};

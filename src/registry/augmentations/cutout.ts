import * as tf from '@tensorflow/tfjs-core';
import type { Augmentation } from './augmentation.js';

export type CutoutOptions = { ratio: number };

/**
 * DiffAugment's cutout (Zhao et al. 2020, rand_cutout; DeVries and Taylor 2017): a square of side
 * round(ratio * side) set to zero in each image, centred anywhere on it (clipped at the border). A product with a
 * fixed mask: the gradient passes where the image is kept.
 */
export const cutout: Augmentation<CutoutOptions> = {
  name: 'cutout',
  summary: 'Zero a square of ratio x the side at a random place in each image (DiffAugment, Zhao et al. 2020)',
  options: {
    properties: {
      ratio: {
        type: 'number',
        minimum: 0,
        maximum: 1,
        default: 0.5,
        description: "The square's side as a share of the image's",
      },
    },
  },
  create:
    ({ ratio }) =>
    (images, random) => {
      const [n, height, width] = images.shape;
      const [ch, cw] = [Math.round(ratio * height), Math.round(ratio * width)];
      const mask = new Float32Array(n * height * width).fill(1);
      for (let i = 0; i < n; i++) {
        // As DiffAugment: the centre in [0, side + (1 - size % 2)), the square from centre - size // 2.
        const top = random.int(height + (1 - (ch % 2))) - Math.floor(ch / 2);
        const left = random.int(width + (1 - (cw % 2))) - Math.floor(cw / 2);
        for (let y = Math.max(top, 0); y < Math.min(top + ch, height); y++) {
          for (let x = Math.max(left, 0); x < Math.min(left + cw, width); x++) mask[(i * height + y) * width + x] = 0;
        }
      }
      return tf.tidy(() => tf.mul(images, tf.tensor4d(mask, [n, height, width, 1])));
    },
};

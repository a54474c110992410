import * as tf from '@tensorflow/tfjs-core';
import type { Augmentation } from './augmentation.js';

export type ColorOptions = Record<string, never>;

/**
 * DiffAugment's colour (Zhao et al. 2020, rand_brightness, rand_saturation, rand_contrast), per image and in this
 * order: x + b with b ~ U[-0.5, 0.5); (x - mean over channels) * s + that mean, s ~ U[0, 2); (x - mean over the
 * image) * c + that mean, c ~ U[0.5, 1.5). On one-channel images saturation changes nothing.
 */
export const color: Augmentation<ColorOptions> = {
  name: 'color',
  summary: 'Random brightness, saturation and contrast per image (DiffAugment, Zhao et al. 2020)',
  options: { properties: {} },
  create: () => (images, random) => {
    const n = images.shape[0];
    const draws = Array.from({ length: n }, () => [random.next() - 0.5, 2 * random.next(), random.next() + 0.5]);
    const column = (k: number) =>
      tf.tensor4d(
        draws.map((d) => d[k]),
        [n, 1, 1, 1],
      );
    return tf.tidy(() => {
      let x = tf.add(images, column(0));
      const channelMean = tf.mean(x, 3, true);
      x = tf.add(tf.mul(tf.sub(x, channelMean), column(1)), channelMean);
      const imageMean = tf.mean(x, [1, 2, 3], true);
      return tf.add(tf.mul(tf.sub(x, imageMean), column(2)), imageMean) as tf.Tensor4D;
    });
  },
};

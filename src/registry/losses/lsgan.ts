import * as tf from '@tensorflow/tfjs-core';
import type { Loss } from './loss.js';

/** Mao et al. (2017), eq. (2): D pulls real scores to b and fake to a; G pulls fake scores to c. */
export type LsganOptions = { a: number; b: number; c: number };

export const lsgan: Loss<LsganOptions> = {
  name: 'lsgan',
  summary: 'Least squares GAN (Mao 2017) with targets a (fake), b (real), c (G)',
  options: {
    properties: {
      a: { type: 'number', default: 0, description: "D's target for fakes (-1 in the Pearson chi^2 coding)" },
      b: { type: 'number', default: 1, description: "D's target for reals" },
      c: { type: 'number', default: 1, description: "G's target for fakes (0 in the Pearson chi^2 coding)" },
    },
  },
  create({ a, b, c }) {
    const halfMeanSquare = (scores: tf.Tensor, target: number) =>
      tf.mul(0.5, tf.mean(tf.square(tf.sub(scores, target))));
    return {
      discriminator: ({ real, fake }) => tf.tidy(() => tf.add(halfMeanSquare(real, b), halfMeanSquare(fake, a))),
      generator: ({ fake }) => tf.tidy(() => halfMeanSquare(fake, c)),
    };
  },
};

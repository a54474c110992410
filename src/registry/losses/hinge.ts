import * as tf from '@tensorflow/tfjs-core';
import type { Loss } from './loss.js';

/** Lim & Ye (2017), as in SAGAN and BigGAN: D = E[relu(1 - v_real)] + E[relu(1 + v_fake)], G = -E[v_fake]. */
export const hinge: Loss<Record<string, never>> = {
  name: 'hinge',
  summary: 'Hinge loss (Geometric GAN, SAGAN, BigGAN)',
  options: { properties: {} },
  create: () => ({
    discriminator: ({ real, fake }) =>
      tf.tidy(() => tf.add(tf.mean(tf.relu(tf.sub(1, real))), tf.mean(tf.relu(tf.add(1, fake))))),
    generator: ({ fake }) => tf.tidy(() => tf.neg(tf.mean(fake))),
  }),
};

import * as tf from '@tensorflow/tfjs-core';
import type { Loss, Scores } from './loss.js';

/**
 * Relativistic average standard GAN, RaSGAN (Jolicoeur-Martineau 2018, arXiv:1807.00734): each side's raw score is
 * taken relative to the other side's mean, D~(x_r) = sigmoid(C(x_r) - E[C(x_f)]), D~(x_f) = sigmoid(C(x_f) - E[C(x_r)]).
 * D minimises -E[log D~(x_r)] - E[log(1 - D~(x_f))]; G minimises -E[log D~(x_f)] - E[log(1 - D~(x_r))], so G also
 * lowers how real the real data looks. Stable form: -log sigmoid(z) = softplus(-z), -log(1 - sigmoid(z)) = softplus(z).
 */
export const ragan: Loss<Record<string, never>> = {
  name: 'ragan',
  summary: 'Relativistic average standard GAN (RaSGAN, Jolicoeur-Martineau 2018)',
  options: { properties: {} },
  create() {
    const relative = ({ real, fake }: Scores) => ({
      real: tf.sub(real, tf.mean(fake)),
      fake: tf.sub(fake, tf.mean(real)),
    });
    return {
      discriminator: (scores) =>
        tf.tidy(() => {
          const { real, fake } = relative(scores);
          return tf.add(tf.mean(tf.softplus(tf.neg(real))), tf.mean(tf.softplus(fake)));
        }),
      generator: (scores) =>
        tf.tidy(() => {
          const { real, fake } = relative(scores);
          return tf.add(tf.mean(tf.softplus(tf.neg(fake))), tf.mean(tf.softplus(real)));
        }),
    };
  },
};

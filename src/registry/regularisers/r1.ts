import * as tf from '@tensorflow/tfjs-core';
import type { Regulariser } from './regulariser.js';

export type R1Options = { gamma: number; every: number };

/**
 * R1 (Mescheder et al. 2018, eq. 9): gamma / 2 * E_real[||grad_x D(x)||^2], the gradient of D's raw score at the
 * real images only, pushing D flat on the data. Lazy (Karras et al. 2020, StyleGAN2, section 3.1): computed on the
 * critic steps of every `every`-th generator step only, its weight multiplied by `every` to keep the same strength.
 * With train.augment, the reals are augmented inside D and the gradient is taken with respect to the reals before it.
 */
export const r1: Regulariser<R1Options> = {
  name: 'r1',
  summary: 'R1 gradient penalty on real images (Mescheder et al. 2018), optionally lazy (every N steps)',
  options: {
    properties: {
      gamma: { type: 'number', minimum: 0, default: 10, description: 'gamma in gamma / 2 * E[||grad D(x_real)||^2]' },
      every: {
        type: 'integer',
        minimum: 1,
        default: 1,
        description:
          'Lazy regularisation: the penalty on the critic steps of every N-th generator step only, weighted N times (StyleGAN2 uses 16)',
      },
    },
  },
  create: ({ gamma, every }) => ({
    penalty: {
      metric: 'd_r1',
      weight: (gamma / 2) * every,
      term: ({ real, critic, step }) => (step % every === 0 ? realGradientPenalty(critic, real) : undefined),
    },
  }),
};

/** E[||grad_x D(x)||^2] over the batch `real`: unweighted. Its gradient with respect to D's weights is second order. */
export function realGradientPenalty(critic: (images: tf.Tensor) => tf.Tensor, real: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const gradient = tf.grad((x: tf.Tensor) => tf.sum(critic(x)))(real);
    const axes = gradient.shape.slice(1).map((_, i) => i + 1);
    return tf.mean(tf.sum(tf.square(gradient), axes));
  });
}

import * as tf from '@tensorflow/tfjs-core';
import type { Regulariser } from './regulariser.js';

export type GradientPenaltyOptions = { weight: number };

/**
 * Gulrajani et al. (2017), Algorithm 1, line 7: lambda * (||grad_x_hat D(x_hat)||_2 - 1)^2 on
 * x_hat = e x_real + (1 - e) x_fake, e ~ U[0, 1] per sample, drawn from the run's seeded stream.
 */
export const gradientPenalty: Regulariser<GradientPenaltyOptions> = {
  name: 'gradient-penalty',
  summary: 'Gradient penalty on interpolates (WGAN-GP, Gulrajani 2017); no batch norm in the critic',
  options: {
    properties: {
      weight: { type: 'number', minimum: 0, default: 10, description: 'lambda in lambda * (||grad|| - 1)^2' },
    },
  },
  create: ({ weight }) => ({
    penalty: {
      metric: 'd_gradient_penalty',
      weight,
      term: ({ real, fake, critic, random }) =>
        interpolatesPenalty(
          critic,
          real,
          fake,
          Float32Array.from({ length: real.shape[0] }, () => random.next()),
        ),
    },
  }),
};

/**
 * (||grad_x_hat D(x_hat)||_2 - 1)^2 averaged over the batch, with `mix` holding e per sample. Its gradient with
 * respect to D's weights is a second-order gradient.
 */
export function interpolatesPenalty(
  critic: (images: tf.Tensor) => tf.Tensor,
  real: tf.Tensor,
  fake: tf.Tensor,
  mix: Float32Array,
): tf.Tensor {
  return tf.tidy(() => {
    const e = tf.tensor(mix, [mix.length, ...real.shape.slice(1).map(() => 1)]);
    const interpolates = tf.add(tf.mul(e, real), tf.mul(tf.sub(1, e), fake));
    const gradient = tf.grad((x: tf.Tensor) => tf.sum(critic(x)))(interpolates);
    const axes = gradient.shape.slice(1).map((_, i) => i + 1);
    // The small constant keeps sqrt differentiable where a gradient vanishes.
    const norms = tf.sqrt(tf.add(tf.sum(tf.square(gradient), axes), 1e-12));
    return tf.mean(tf.square(tf.sub(norms, 1)));
  });
}

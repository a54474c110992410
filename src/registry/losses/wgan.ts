import * as tf from '@tensorflow/tfjs-core';
import type { Loss } from './index.js';

/**
 * Arjovsky, Chintala, Bottou (2017), Algorithm 1: the critic maximises E[v_real] - E[v_fake], an estimate of the
 * Wasserstein-1 distance while its weights are clipped to [-c, c]; G minimises -E[v_fake].
 */
export const wgan: Loss = {
  name: 'wgan',
  summary: 'Wasserstein GAN with weight clipping (Arjovsky 2017); pair with rmsprop and n_critic 5',
  options: {
    properties: {
      clip: {
        type: 'number',
        exclusiveMinimum: 0,
        default: 0.01,
        description: 'Every critic weight is clipped to [-clip, clip] after each critic step',
      },
      critic_warmup: {
        type: 'boolean',
        default: true,
        description:
          "The official code's schedule: 100 critic steps per G step for the first 25 G steps and every 500th",
      },
    },
  },
  create(options) {
    return {
      ...wassersteinObjective(),
      clip: options.clip as number,
      criticSteps: options.critic_warmup
        ? (step, nCritic) => (step < 25 || step % 500 === 0 ? 100 : nCritic)
        : undefined,
    };
  },
};

/** The Wasserstein objective both WGAN variants share. */
export function wassersteinObjective() {
  return {
    discriminator: (real: tf.Tensor, fake: tf.Tensor) => tf.tidy(() => tf.sub(tf.mean(fake), tf.mean(real))),
    generator: (fake: tf.Tensor) => tf.tidy(() => tf.neg(tf.mean(fake))),
    estimatesWasserstein: true,
  };
}

import * as tf from '@tensorflow/tfjs-core';
import { weightClip } from '../regularisers/weight-clip.js';
import type { AdversarialLoss, Loss } from './loss.js';

export type WganOptions = { clip: number; critic_warmup: boolean };

/**
 * Arjovsky, Chintala, Bottou (2017), Algorithm 1: the critic maximises E[v_real] - E[v_fake], an estimate of the
 * Wasserstein-1 distance while its weights are clipped to [-c, c] (the weight-clip regulariser); G minimises
 * -E[v_fake].
 */
export const wgan: Loss<WganOptions> = {
  name: 'wgan',
  summary: 'Wasserstein GAN with weight clipping (Arjovsky 2017); pair with rmsprop and n_critic 5',
  options: {
    properties: {
      clip: weightClip.options.properties.clip,
      critic_warmup: {
        type: 'boolean',
        default: true,
        description:
          "The official code's schedule: 100 critic steps per G step for the first 25 G steps and every 500th",
      },
    },
  },
  // 100 critic steps per G step at first need more batches than a test's data has.
  example: { critic_warmup: false },
  create(options) {
    return {
      ...wassersteinObjective(),
      regularisers: [weightClip.create({ clip: options.clip })],
      criticSteps: options.critic_warmup
        ? (step, nCritic) => (step < 25 || step % 500 === 0 ? 100 : nCritic)
        : undefined,
    };
  },
};

/** The Wasserstein objective both WGAN variants share; the critic's scores estimate the distance, so log it. */
export function wassersteinObjective(): AdversarialLoss {
  return {
    discriminator: ({ real, fake }) => tf.tidy(() => tf.sub(tf.mean(fake), tf.mean(real))),
    generator: ({ fake }) => tf.tidy(() => tf.neg(tf.mean(fake))),
    stepMetrics: (metrics) => ({ wasserstein_estimate: metrics.d_real - metrics.d_fake }),
  };
}

import type { Loss } from './index.js';

/** Arjovsky, Chintala, Bottou (2017): a critic kept Lipschitz by clipping its weights. */
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
};

import type { Loss } from './index.js';

/** Gulrajani et al. (2017): the Lipschitz constraint as a gradient penalty on interpolates. */
export const wganGp: Loss = {
  name: 'wgan-gp',
  summary: 'Wasserstein GAN with gradient penalty (Gulrajani 2017); no batch norm in the critic',
  options: {
    properties: {
      penalty_weight: { type: 'number', minimum: 0, default: 10, description: 'lambda in lambda * (||grad|| - 1)^2' },
    },
  },
};

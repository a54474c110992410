import type { Loss } from './index.js';
import { wassersteinObjective } from './wgan.js';

/**
 * Gulrajani et al. (2017), Algorithm 1: the Wasserstein objective with lambda * (||grad_x_hat D(x_hat)||_2 - 1)^2
 * on x_hat = e x_real + (1 - e) x_fake, e ~ U[0, 1] per sample. The trainer computes the penalty.
 */
export const wganGp: Loss = {
  name: 'wgan-gp',
  summary: 'Wasserstein GAN with gradient penalty (Gulrajani 2017); no batch norm in the critic',
  options: {
    properties: {
      penalty_weight: { type: 'number', minimum: 0, default: 10, description: 'lambda in lambda * (||grad|| - 1)^2' },
    },
  },
  create: (options) => ({ ...wassersteinObjective(), penaltyWeight: options.penalty_weight as number }),
};

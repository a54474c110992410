import { gradientPenalty } from '../regularisers/gradient-penalty.js';
import type { Loss } from './loss.js';
import { wassersteinObjective } from './wgan.js';

export type WganGpOptions = { penalty_weight: number };

/**
 * Gulrajani et al. (2017), Algorithm 1: the Wasserstein objective plus the gradient-penalty regulariser,
 * lambda * (||grad_x_hat D(x_hat)||_2 - 1)^2 on interpolates of real and fake samples.
 */
export const wganGp: Loss<WganGpOptions> = {
  name: 'wgan-gp',
  summary: 'Wasserstein GAN with gradient penalty (Gulrajani 2017); no batch norm in the critic',
  options: {
    properties: { penalty_weight: gradientPenalty.options.properties.weight },
  },
  create: (options) => ({
    ...wassersteinObjective(),
    regularisers: [gradientPenalty.create({ weight: options.penalty_weight })],
  }),
};

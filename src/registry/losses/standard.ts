import type { Loss } from './index.js';

/** Goodfellow et al. (2014), in the stable softplus form on raw scores. */
export const standard: Loss = {
  name: 'standard',
  summary: 'The original GAN loss (Goodfellow 2014): non-saturating or minimax generator',
  options: {
    properties: {
      generator: {
        enum: ['non-saturating', 'minimax'],
        default: 'non-saturating',
        description:
          "non-saturating: G maximises log D(G(z)) (the paper's practical choice); minimax: G minimises log(1 - D(G(z)))",
      },
      real_label: {
        type: 'number',
        exclusiveMinimum: 0,
        maximum: 1,
        default: 1,
        description:
          "D's target for real images; below 1 is one-sided label smoothing (e.g. 0.9; Salimans et al. 2016)",
      },
    },
  },
};

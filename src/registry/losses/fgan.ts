import type { Loss } from './index.js';

export const divergenceNames = [
  'kl',
  'reverse-kl',
  'pearson',
  'neyman',
  'squared-hellinger',
  'jensen-shannon',
  'gan',
] as const;

/** Nowozin, Cseke, Tomioka (2016): variational divergence minimisation with an output activation g_f and f*. */
export const fgan: Loss = {
  name: 'fgan',
  summary: 'f-GAN (Nowozin 2016) with one of seven f-divergences',
  options: {
    properties: {
      divergence: {
        enum: [...divergenceNames],
        default: 'jensen-shannon',
        description: 'The f-divergence of Table 2 of the paper',
      },
    },
  },
};

import type { Loss } from './index.js';

/** The hinge loss of Lim & Ye (2017), as used by SAGAN and BigGAN. */
export const hinge: Loss = {
  name: 'hinge',
  summary: 'Hinge loss (Geometric GAN, SAGAN, BigGAN)',
  options: { properties: {} },
};

import type { Architecture } from './index.js';

/** A DCGAN-style pair (Radford, Metz, Chintala 2016) for 28x28 images: 7x7 -> 14x14 -> 28x28 and back. */
export const dcgan: Architecture = {
  name: 'dcgan',
  summary: 'A configurable DCGAN-style generator and discriminator for 28x28 images',
  options: {
    properties: {
      width: {
        type: 'integer',
        minimum: 1,
        default: 64,
        description: 'Channels at 28x28 in D and at 14x14 in G; doubled at the next coarser resolution',
      },
      depth: {
        type: 'integer',
        minimum: 1,
        default: 1,
        description: 'Convolutions per resolution (the first of D and the last of G change the resolution)',
      },
      g_batch_norm: { type: 'boolean', default: true, description: "Batch normalisation in G's hidden layers" },
      d_batch_norm: {
        type: 'boolean',
        default: false,
        description: "Batch normalisation in D's hidden layers (leave off for WGAN-GP: the penalty is per sample)",
      },
      leaky_slope: {
        type: 'number',
        minimum: 0,
        exclusiveMaximum: 1,
        default: 0.2,
        description: "D's LeakyReLU slope",
      },
      dropout: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0, description: 'Dropout rate in D' },
    },
  },
};

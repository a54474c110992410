import type { Architecture } from './index.js';

/**
 * The seed: generator and discriminator of Keras `examples/mnist_acgan.py` (first version, Nov 2016), the AC-GAN of
 * Odena, Olah and Shlens (2017). Both heads output raw scores; the loss applies the activation.
 */
export const acganMnist: Architecture = {
  name: 'acgan-mnist',
  summary: 'The AC-GAN of Keras mnist_acgan.py (2016) for 28x28x1 images: upsampling-conv G, 4-conv D',
  options: {
    properties: {
      leaky_slope: {
        type: 'number',
        minimum: 0,
        exclusiveMaximum: 1,
        default: 0.3,
        description: "Slope of D's LeakyReLU (Keras 1's default, 0.3)",
      },
      dropout: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.3, description: 'Dropout rate in D' },
    },
  },
};

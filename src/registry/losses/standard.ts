import * as tf from '@tensorflow/tfjs-core';
import { probabilityClipOption, sigmoidCrossEntropy } from './cross-entropy.js';
import type { Loss } from './loss.js';

/**
 * Goodfellow et al. (2014), eq. (1), in the stable softplus form on raw scores v:
 * D minimises E[softplus(-v_real)] + E[softplus(v_fake)] (binary cross-entropy with targets 1 and 0);
 * the non-saturating G minimises E[softplus(-v_fake)] (Section 3), the minimax G -E[softplus(v_fake)].
 */
export type StandardOptions = { generator: 'non-saturating' | 'minimax'; real_label: number; probability_clip: number };

export const standard: Loss<StandardOptions> = {
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
      probability_clip: probabilityClipOption(
        "Clip D's probability to [p, 1 - p] inside the cross-entropy, as Keras 1 does with p = 1e-7 (the seed): no gradient past a logit of about 16; 0: the exact loss",
      ),
    },
  },
  create(options) {
    const { real_label: realLabel, probability_clip: clip } = options;
    const minimax = options.generator === 'minimax';
    const crossEntropy = (scores: tf.Tensor, target: number) => tf.mean(sigmoidCrossEntropy(scores, target, clip));
    return {
      discriminator: ({ real, fake }) => tf.tidy(() => tf.add(crossEntropy(real, realLabel), crossEntropy(fake, 0))),
      // Minimax: G minimises log(1 - D(G(z))), the negated cross-entropy against "fake".
      generator: ({ fake }) => tf.tidy(() => (minimax ? tf.neg(crossEntropy(fake, 0)) : crossEntropy(fake, 1))),
    };
  },
};

import * as tf from '@tensorflow/tfjs-core';
import type { Loss } from './loss.js';

/**
 * Goodfellow et al. (2014), eq. (1), in the stable softplus form on raw scores v:
 * D minimises E[softplus(-v_real)] + E[softplus(v_fake)] (binary cross-entropy with targets 1 and 0);
 * the non-saturating G minimises E[softplus(-v_fake)] (Section 3), the minimax G -E[softplus(v_fake)].
 */
export type StandardOptions = { generator: 'non-saturating' | 'minimax'; real_label: number };

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
    },
  },
  create(options) {
    const realLabel = options.real_label;
    const minimax = options.generator === 'minimax';
    return {
      discriminator: ({ real, fake }) =>
        tf.tidy(() => {
          // Cross-entropy against target t: t softplus(-v) + (1 - t) softplus(v).
          const realTerm = tf.add(
            tf.mul(realLabel, tf.softplus(tf.neg(real))),
            tf.mul(1 - realLabel, tf.softplus(real)),
          );
          return tf.add(tf.mean(realTerm), tf.mean(tf.softplus(fake)));
        }),
      generator: ({ fake }) =>
        tf.tidy(() => (minimax ? tf.neg(tf.mean(tf.softplus(fake))) : tf.mean(tf.softplus(tf.neg(fake))))),
    };
  },
};

import type * as tf from '@tensorflow/tfjs-core';
import type { RegistryEntry, TypedOptions } from '../registry.js';

/** loss: in an experiment: the loss's name and options, and the AC-GAN class term any loss can have. */
export interface LossConfig extends TypedOptions {
  readonly auxiliary?: {
    readonly weight: number;
    readonly fakes_in_d_step: boolean;
    readonly probability_clip?: number;
  };
  /** D's terms over reals and fakes: the sum of the two means (default), or one mean over both (Keras). */
  readonly d_average?: 'sum-of-means' | 'concatenated';
}

import type { CriticRegulariser } from '../regularisers/regulariser.js';

/** D's raw scores (logits, no activation) on a real and a fake batch, 1-D. */
export interface Scores {
  real: tf.Tensor;
  fake: tf.Tensor;
}

/**
 * An adversarial loss: both players' objectives (scalars, both minimised) from real and fake scores, so that a
 * relativistic loss fits. G's `real` scores are computed only when the loss reads them.
 */
export interface AdversarialLoss {
  discriminator(scores: Scores): tf.Tensor;
  generator(scores: Scores): tf.Tensor;
  /** Critic terms this loss composes with (WGAN's weight clipping, WGAN-GP's penalty), applied in each D step. */
  regularisers?: readonly CriticRegulariser[];
  /** Critic steps before generator step `step` (0-based), where the loss overrides train.n_critic. */
  criticSteps?(step: number, nCritic: number): number;
  /** Metrics derived from a step's metrics (e.g. the Wasserstein estimate), added to them. */
  stepMetrics?(metrics: Readonly<Record<string, number>>): Record<string, number>;
}

export interface Loss<Options = Record<string, unknown>> extends RegistryEntry<Options> {
  create(options: Options): AdversarialLoss;
}

import type * as tf from '@tensorflow/tfjs-core';
import type { RegistryEntry, TypedOptions } from '../registry.js';

import type { CriticRegulariser } from '../regularisers/regulariser.js';
import type { LossOptions } from './loss-options.js';

/** loss: in an experiment: the loss's name and options, and the options any loss can have (loss-options.ts). */
export interface LossConfig extends TypedOptions, LossOptions {}

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

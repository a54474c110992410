import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Random } from '../../random.js';
import type { RegistryEntry } from '../registry.js';

/** What a critic-side term sees during one discriminator step. */
export interface CriticBatch {
  /** The real and the generated images of the step. */
  real: tf.Tensor;
  fake: tf.Tensor;
  /** D's raw scores on any images, as a 1-D tensor (each call advances the run's dropout seeds). */
  critic(images: tf.Tensor): tf.Tensor;
  /** The run's seeded, checkpointed stream: a term draws its random numbers here, never from a global one. */
  random: Random;
  /** Generator steps done before this one (a lazy penalty's schedule). */
  step: number;
}

/**
 * A term on the critic that composes with any loss: a penalty added to D's loss (unweighted; the D step multiplies
 * by `weight` and records the term as `metric`), and/or a constraint applied after each D update.
 */
export interface CriticRegulariser {
  /** `term` gives undefined on a step where a lazy penalty is not due: nothing is added or recorded then. */
  penalty?: { metric: string; weight: number; term(batch: CriticBatch): tf.Tensor | undefined };
  afterCriticStep?(discriminator: tfl.LayersModel): void;
}

export interface Regulariser<Options = Record<string, unknown>> extends RegistryEntry<Options> {
  create(options: Options): CriticRegulariser;
}

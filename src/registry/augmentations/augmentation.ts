import type * as tf from '@tensorflow/tfjs-core';
import type { Random } from '../../random.js';
import type { RegistryEntry } from '../registry.js';

/**
 * A differentiable augmentation of a batch of NHWC images in [-1, 1], drawing its per-sample parameters from
 * `random` (the run's seeded stream for this call of D): gradients flow through it to G.
 */
export type Augment = (images: tf.Tensor4D, random: Random) => tf.Tensor4D;

export interface Augmentation<Options = Record<string, unknown>> extends RegistryEntry<Options> {
  create(options: Options): Augment;
}

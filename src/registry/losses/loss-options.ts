import { listOfTypes } from '../by-type.js';
import type { OptionsSchema, TypedOptions } from '../registry.js';
import { regularisers } from '../regularisers/index.js';
import { probabilityClipOption } from './cross-entropy.js';

/** The options every loss takes beside its own: the AC-GAN class term, D's averaging, extra critic terms. */
export interface LossOptions {
  readonly auxiliary?: {
    readonly weight: number;
    readonly fakes_in_d_step: boolean;
    readonly probability_clip?: number;
  };
  /** D's terms over reals and fakes: the sum of the two means (default), or one mean over both (Keras). */
  readonly d_average?: 'sum-of-means' | 'concatenated';
  /** Critic terms added to the loss's own (regularisers/), in order. */
  readonly regularisers?: readonly TypedOptions[];
}

/** LossOptions' schema, keyed by its type so that the two cannot drift apart. */
export const lossOptions: OptionsSchema<LossOptions>['properties'] = {
  auxiliary: {
    type: 'object',
    description: 'The AC-GAN class term (Odena et al. 2017): D gets a class head, both nets a cross-entropy term',
    properties: {
      weight: { type: 'number', minimum: 0, default: 1, description: 'Weight of the cross-entropy term' },
      fakes_in_d_step: {
        type: 'boolean',
        default: true,
        description: "Whether D's class loss includes fakes (the seed: yes; later Keras versions: no)",
      },
      probability_clip: probabilityClipOption(
        'Clip the class probabilities to [p, 1 - p] inside the cross-entropy, as Keras 1 does with p = 1e-7 (the seed); 0: the exact loss',
      ),
    },
    additionalProperties: false,
  },
  d_average: {
    enum: ['sum-of-means', 'concatenated'],
    default: 'sum-of-means',
    description:
      "How D's loss terms average over a step's real and fake images: the mean over reals plus the mean over fakes (the papers' E_real + E_fake), or one mean over both stacked, as Keras' train_on_batch on [reals; fakes] (the seed): half as much",
  },
  regularisers: listOfTypes(
    regularisers,
    "Critic terms added to the loss's own, in order, e.g. [{ type: gradient-penalty, weight: 10 }] with hinge",
  ),
};

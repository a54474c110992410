import type { JsonSchema } from '../core/json-schema.js';
import { augmentations } from '../registry/augmentations/index.js';
import { byType, listOfTypes } from '../registry/by-type.js';
import { optimizers } from '../registry/optimizers.js';
import type { OptionsSchema } from '../registry/registry.js';
import type { TrainConfig } from './experiment.js';

/** train:'s keys, keyed by TrainConfig so that the schema and the type cannot drift apart. */
const properties: OptionsSchema<TrainConfig>['properties'] = {
  epochs: { type: 'integer', minimum: 1, default: 1, description: 'Passes over the training data' },
  max_steps: { type: 'integer', minimum: 1, description: 'Stop after this many generator steps' },
  batch_size: {
    type: 'integer',
    minimum: 1,
    maximum: 4096,
    default: 64,
    description: 'Real images per discriminator step (at most 4096: activations grow with it)',
  },
  n_critic: {
    type: 'integer',
    minimum: 1,
    maximum: 100,
    default: 1,
    description: 'Discriminator steps per generator step',
  },
  g_batch_multiplier: {
    type: 'integer',
    minimum: 1,
    maximum: 16,
    default: 1,
    description: 'The generator step draws this many times batch_size samples (the seed: 2)',
  },
  ema: {
    type: 'number',
    minimum: 0,
    exclusiveMaximum: 1,
    default: 0,
    description:
      "Decay of a moving average of G's weights that samples, evaluation and model/ use (e.g. 0.999; 0: off)",
  },
  optimizer: {
    type: 'object',
    description: 'One optimizer each for the generator (g) and the discriminator (d)',
    properties: { g: byType(optimizers, "The generator's optimizer"), d: byType(optimizers, "D's optimizer") },
    required: ['g', 'd'],
    additionalProperties: false,
  },
  checkpoint_every: {
    type: 'integer',
    minimum: 0,
    default: 1,
    description: 'Save G, D and both optimizers every N epochs (0: at the end only)',
  },
  checkpoint_every_steps: {
    type: 'integer',
    minimum: 0,
    default: 0,
    description:
      'Also checkpoint every N generator steps (0: none by steps): a long trial loses at most N steps when its machine dies',
  },
  sample_every: {
    type: 'integer',
    minimum: 0,
    default: 1,
    description: 'Save a grid of samples from fixed noise every N epochs (0: none per epoch)',
  },
  sample_every_steps: {
    type: 'integer',
    minimum: 0,
    default: 0,
    description:
      'Also save a grid every N generator steps (0: none by steps); each grid is also an MLflow step image. A grid is always saved when the run ends',
  },
  test_losses: {
    type: 'boolean',
    default: false,
    description:
      "After each epoch, D's loss on the test split and as many fresh fakes, and G's on fresh samples, in inference mode: the seed's test rows (about a minute an epoch for the seed on native TensorFlow)",
  },
  augment: listOfTypes(
    augmentations,
    "Differentiable augmentations of every image D sees in training, reals and fakes, in D's and G's steps alike, in list order (DiffAugment, Zhao et al. 2020), e.g. [{ type: translation }, { type: cutout }, { type: color }]; never in evaluation or test rows. Penalties on D (gradient-penalty, r1) see D as training does: their images augmented, the gradient taken with respect to the images before augmentation",
  ),
  sample_grid: {
    type: 'object',
    default: {},
    description: "How sample grids are drawn: gx's, or the seed's (classes: columns, noise: fresh)",
    properties: {
      classes: {
        enum: ['rows', 'columns'],
        default: 'rows',
        description: "A conditional model's grid has a row per class, or a column per class (the seed)",
      },
      noise: {
        enum: ['fixed', 'fresh'],
        default: 'fixed',
        description: 'The same noise in every grid of a run, or fresh noise in each grid (the seed)',
      },
    },
    additionalProperties: false,
  },
};

/** train: the loop's settings. */
export const trainSection: JsonSchema = {
  type: 'object',
  description: 'The training loop',
  properties,
  required: ['optimizer'],
  additionalProperties: false,
};

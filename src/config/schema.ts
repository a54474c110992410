import { backendNames } from '../backend/backend-names.js';
import type { JsonSchema } from '../core/json-schema.js';
import { byType } from './by-type.js';
import { MAX_SEED } from './seed.js';
import { sweepSection } from './sweep-schema.js';
import { trackingSection } from './tracking-schema.js';

export { MAX_SEED } from './seed.js';
export { tagKeySchema } from './tracking-schema.js';

import { architectures } from '../registry/architectures/index.js';
import { datasets } from '../registry/datasets.js';
import { probabilityClipOption } from '../registry/losses/cross-entropy.js';
import { losses } from '../registry/losses/index.js';
import { evalMetrics } from '../registry/metrics/index.js';
import { optimizers } from '../registry/optimizers.js';

/**
 * The experiment schema, assembled from the registries so that a new entry's options are known at once.
 * schemas/experiment.schema.json is this, printed by `gx schema` (`npm run schema`); a test fails when it is stale.
 */
export const experimentSchema: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'gx experiment',
  description: 'One GAN experiment: data, model, loss, training, evaluation, tracking and an optional sweep',
  type: 'object',
  properties: {
    name: {
      type: 'string',
      pattern: '^[A-Za-z0-9][\\w.-]*$',
      maxLength: 100,
      description: 'Short name: letters, digits, . _ - (at most 100: it names the run folder, with a time and an id)',
    },
    description: {
      type: 'string',
      maxLength: 10000,
      description: 'What this experiment tries; shown on the MLflow run page',
    },
    seed: {
      type: 'integer',
      minimum: 0,
      maximum: MAX_SEED,
      default: 0,
      description:
        'Seeds every random choice (weights, noise, shuffling) so a run repeats on one backend (0 to 2^32-1)',
    },
    data: byType(datasets, 'The training data', {
      limit: { type: 'integer', minimum: 1, description: 'Use only the first N training images (quick runs)' },
      shuffle: {
        type: 'boolean',
        default: true,
        description:
          'A new order of the training images every epoch, from the seed; false: their stored order (the seed)',
      },
    }),
    model: byType(architectures, 'The generator and discriminator', {
      latent_size: {
        type: 'integer',
        minimum: 1,
        maximum: 4096,
        default: 100,
        description: 'Size of the noise vector z (at most 4096: it sizes the first layer of G)',
      },
      latent_distribution: {
        enum: ['uniform', 'normal'],
        default: 'normal',
        description: 'z ~ U[-1, 1] (the seed) or N(0, 1)',
      },
      num_classes: {
        type: 'integer',
        minimum: 0,
        maximum: 1000,
        default: 10,
        description: 'Classes the generator is conditioned on (label embedding); 0 for an unconditional GAN',
      },
      conditioning: {
        enum: ['multiply', 'concatenate'],
        default: 'multiply',
        description:
          "How G's first layer sees the class: z times a learned embedding (the seed), or z beside a one-hot vector",
      },
    }),
    loss: byType(losses, 'The adversarial loss, and the AC-GAN auxiliary classification term', {
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
    }),
    train: {
      type: 'object',
      description: 'The training loop',
      properties: {
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
      },
      required: ['optimizer'],
      additionalProperties: false,
    },
    eval: {
      type: 'object',
      description:
        'Sample-quality metrics from an MNIST classifier trained by gx. With this section, a run is evaluated when it ends, and every/every_steps add evaluations on the way; enabled: false (or --set eval.enabled=false) turns all of it off',
      properties: {
        enabled: {
          type: 'boolean',
          default: true,
          description:
            'false: no evaluation at all (no classifier, no floor, none at the end), as without this section',
        },
        every: {
          type: 'integer',
          minimum: 0,
          default: 1,
          description: 'Also evaluate every N epochs (0: no evaluation per epoch; the one at the end stays)',
        },
        every_steps: {
          type: 'integer',
          minimum: 0,
          default: 0,
          description: 'Also evaluate every N generator steps (0: none by steps; the one at the end stays)',
        },
        metrics: {
          type: 'array',
          items: { enum: evalMetrics.entries.map((metric) => metric.name) },
          uniqueItems: true,
          default: evalMetrics.entries.filter((metric) => metric.byDefault).map((metric) => metric.name),
        },
        samples: {
          type: 'integer',
          minimum: 10,
          maximum: 50000,
          default: 10000,
          description: 'Generated images per evaluation (at most 50000: their features are held in memory)',
        },
      },
      additionalProperties: false,
    },
    tracking: trackingSection,
    runtime: {
      type: 'object',
      default: {},
      properties: {
        backend: {
          enum: [...backendNames],
          default: 'auto',
          description: 'auto: native TensorFlow (GPU first) when installed, else the fastest backend that can train',
        },
      },
      additionalProperties: false,
    },
    sweep: sweepSection,
  },
  required: ['name', 'data', 'model', 'loss', 'train'],
  additionalProperties: false,
};

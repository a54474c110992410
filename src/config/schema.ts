import { backendNames } from '../backend/backend-names.js';
import type { JsonSchema } from '../core/json-schema.js';
import { MAX_KEY_LENGTH, MLFLOW_KEY_PATTERN } from '../mlflow-names.js';
import { architectures } from '../registry/architectures/index.js';
import { datasets } from '../registry/datasets.js';
import { losses } from '../registry/losses/index.js';
import { evalMetrics } from '../registry/metrics/index.js';
import { optimizers } from '../registry/optimizers.js';
import type { Registry, RegistryEntry } from '../registry/registry.js';

/** The largest seed: seeds are used as unsigned 32-bit integers, so every seed up to it is exact and distinct. */
export const MAX_SEED = 2 ** 32 - 1;

/**
 * A key of tracking.tags: a tag key MLflow takes, which is also logged as the param `tracking.tags.<key>` (params
 * are keys too: the prefix counts against MLflow's 250 characters). Keys become file names in a local store.
 */
export const tagKeySchema: JsonSchema = {
  type: 'string',
  pattern: MLFLOW_KEY_PATTERN,
  maxLength: MAX_KEY_LENGTH - 'tracking.tags.'.length,
};

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
        },
        additionalProperties: false,
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
          description: 'Save a grid of samples from fixed noise every N epochs (0: never)',
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
    tracking: {
      type: 'object',
      description: 'Where runs are recorded: an MLflow server, or the local ./mlruns store when no uri is set',
      default: {},
      properties: {
        enabled: { type: 'boolean', default: true, description: 'false: record nothing (for quick tries, benchmarks)' },
        uri: {
          type: 'string',
          minLength: 1,
          description: 'MLflow tracking URI (http(s):// or file:); else $MLFLOW_TRACKING_URI',
        },
        experiment: {
          type: 'string',
          minLength: 1,
          maxLength: 500,
          pattern: '^[^\\x00-\\x1f\\x7f]*$',
          description: "MLflow experiment name (default: this file's name); no control characters",
        },
        run_name: {
          type: 'string',
          minLength: 1,
          maxLength: 250,
          pattern: '^[^\\x00-\\x1f\\x7f]*$',
          description: "MLflow run name (default: the run folder's name); at most 250 characters (MLflow's limit)",
        },
        tags: {
          type: 'object',
          propertyNames: tagKeySchema,
          additionalProperties: { type: 'string' },
          description: 'Extra tags on every run',
        },
      },
      additionalProperties: false,
    },
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
    sweep: {
      type: 'object',
      description: 'Parameters for `gx sweep`: each a dotted path into this file and the values to try',
      properties: {
        method: { enum: ['grid', 'random'], default: 'grid' },
        count: { type: 'integer', minimum: 1, description: 'Trials drawn by the random method' },
        seed: { type: 'integer', minimum: 0, maximum: MAX_SEED, default: 0, description: 'Seeds the random method' },
        parameters: {
          type: 'object',
          propertyNames: { pattern: '^[A-Za-z_][\\w-]*(\\.[\\w-]+)*$' },
          additionalProperties: {
            anyOf: [
              { type: 'array', minItems: 1, description: 'The values to try' },
              {
                type: 'object',
                properties: { min: { type: 'number' }, max: { type: 'number' }, scale: { enum: ['linear', 'log'] } },
                required: ['min', 'max'],
                additionalProperties: false,
              },
              {
                type: 'object',
                properties: { tie: { type: 'string', description: 'Take the value of another swept path' } },
                required: ['tie'],
                additionalProperties: false,
              },
            ],
          },
        },
      },
      required: ['parameters'],
      additionalProperties: false,
    },
  },
  required: ['name', 'data', 'model', 'loss', 'train'],
  additionalProperties: false,
};

/**
 * One object whose `type` picks a registry entry; the entry's options (plus the options all entries share) are the
 * other keys. ajv's discriminator validates only the chosen branch, so an error names that branch alone.
 */
function byType<Entry extends RegistryEntry>(
  registry: Registry<Entry>,
  description: string,
  shared: Record<string, JsonSchema> = {},
): JsonSchema {
  return {
    title: registry.kind,
    description,
    type: 'object',
    discriminator: { propertyName: 'type' },
    required: ['type'],
    oneOf: registry.entries.map((entry) => ({
      properties: { type: { const: entry.name, description: entry.summary }, ...shared, ...entry.options.properties },
      required: ['type', ...(entry.options.required ?? [])],
      additionalProperties: false,
    })),
  };
}

import { backendNames } from '../backend/backend-names.js';
import type { JsonSchema } from '../core/json-schema.js';
import { architectures } from '../registry/architectures/index.js';
import { modelOptions } from '../registry/architectures/model-options.js';
import { byType } from '../registry/by-type.js';
import { dataOptions, datasets } from '../registry/datasets.js';
import { losses } from '../registry/losses/index.js';
import { lossOptions } from '../registry/losses/loss-options.js';
import type { OptionsSchema } from '../registry/registry.js';
import { evalSection } from './eval-schema.js';
import type { ResolvedExperiment } from './experiment.js';
import { MAX_SEED } from './seed.js';
import { sweepSection } from './sweep-schema.js';
import { trackingSection } from './tracking-schema.js';
import { trainSection } from './train-schema.js';

export { MAX_SEED } from './seed.js';
export { tagKeySchema } from './tracking-schema.js';

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
    data: byType(datasets, 'The training data', dataOptions),
    model: byType(architectures, 'The generator and discriminator', modelOptions),
    loss: byType(losses, 'The adversarial loss, and the AC-GAN auxiliary classification term', lossOptions),
    train: trainSection,
    eval: evalSection,
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
      } satisfies OptionsSchema<ResolvedExperiment['runtime']>['properties'],
      additionalProperties: false,
    },
    sweep: sweepSection,
  },
  required: ['name', 'data', 'model', 'loss', 'train'],
  additionalProperties: false,
};

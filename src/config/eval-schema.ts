import type { JsonSchema } from '../core/json-schema.js';
import { evalMetrics } from '../registry/metrics/index.js';
import type { OptionsSchema } from '../registry/registry.js';
import type { EvalConfig } from './experiment.js';

/** eval:'s keys, keyed by EvalConfig so that the schema and the type cannot drift apart. */
const properties: OptionsSchema<EvalConfig>['properties'] = {
  enabled: {
    type: 'boolean',
    default: true,
    description: 'false: no evaluation at all (no classifier, no floor, none at the end), as without this section',
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
  network: {
    type: 'object',
    description:
      "What the metrics measure with. judge: gx's classifier of the data's classes (shipped for MNIST; trained once on a labelled folder, cached by its digest). file: your own TensorFlow.js layers model. FID and KID compare only within one network (its id is recorded with them), and match published Inception FIDs only with the standard Inception weights",
    discriminator: { propertyName: 'type' },
    required: ['type'],
    oneOf: [
      { properties: { type: { const: 'judge' } }, additionalProperties: false },
      {
        properties: {
          type: { const: 'file' },
          path: {
            type: 'string',
            minLength: 1,
            description: 'A layers model: its model.json, or the folder holding it',
          },
          layer: {
            type: 'string',
            minLength: 1,
            description:
              "The layer whose output is the features (default: the model's output); a feature map is averaged over space",
          },
          range: {
            type: 'array',
            items: { type: 'number' },
            minItems: 2,
            maxItems: 2,
            default: [-1, 1],
            description: 'The pixel range the model reads, e.g. [0, 1] or [0, 255]',
          },
        },
        required: ['type', 'path'],
        additionalProperties: false,
      },
    ],
  },
};

/** eval: which sample-quality metrics, how often, on how many samples. */
export const evalSection: JsonSchema = {
  type: 'object',
  description:
    "Sample-quality metrics from a feature network (gx's judge of the data's classes, or your own, see network). With this section, a run is evaluated when it ends, and every/every_steps add evaluations on the way; enabled: false (or --set eval.enabled=false) turns all of it off",
  properties,
  additionalProperties: false,
};

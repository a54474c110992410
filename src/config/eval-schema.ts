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
};

/** eval: which sample-quality metrics, how often, on how many samples. */
export const evalSection: JsonSchema = {
  type: 'object',
  description:
    'Sample-quality metrics from an MNIST classifier trained by gx. With this section, a run is evaluated when it ends, and every/every_steps add evaluations on the way; enabled: false (or --set eval.enabled=false) turns all of it off',
  properties,
  additionalProperties: false,
};

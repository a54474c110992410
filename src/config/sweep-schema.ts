import type { JsonSchema } from '../core/json-schema.js';
import type { OptionsSchema } from '../registry/registry.js';
import type { SweepConfig } from './experiment.js';
import { MAX_SEED } from './seed.js';

/** The experiment's sweep: section, read by `gx sweep`. */
export const sweepSection: JsonSchema = {
  type: 'object',
  description: 'Parameters for `gx sweep`: each a dotted path into this file and the values to try',
  properties: {
    method: { enum: ['grid', 'random'], default: 'grid' },
    count: { type: 'integer', minimum: 1, description: 'Trials drawn by the random method' },
    seed: { type: 'integer', minimum: 0, maximum: MAX_SEED, default: 0, description: 'Seeds the random method' },
    seeds: {
      type: 'integer',
      minimum: 1,
      maximum: 1000,
      description:
        "Runs each configuration on this many seeds: the experiment's seed and the ones after it (compared by the mean over seeds)",
    },
    parameters: {
      type: 'object',
      default: {},
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
  } satisfies OptionsSchema<SweepConfig>['properties'],
  additionalProperties: false,
};

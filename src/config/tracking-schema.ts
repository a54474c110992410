import type { JsonSchema } from '../core/json-schema.js';
import { MAX_KEY_LENGTH, MLFLOW_KEY_PATTERN } from '../mlflow-names.js';
import type { OptionsSchema } from '../registry/registry.js';
import type { TrackingConfig } from './experiment.js';

/** A key of tracking.tags: a tag key MLflow takes. Keys become file names in a local store. */
export const tagKeySchema: JsonSchema = {
  type: 'string',
  pattern: MLFLOW_KEY_PATTERN,
  maxLength: MAX_KEY_LENGTH,
};

/** The experiment's tracking: section. */
export const trackingSection: JsonSchema = {
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
  } satisfies OptionsSchema<TrackingConfig>['properties'],
  additionalProperties: false,
};

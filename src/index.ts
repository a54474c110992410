/** gx as a library: load experiments, run them, and reach the registries, without the CLI. */

export { selectBackend } from './backend/select.js';
export type { ResolvedExperiment } from './config/experiment.js';
export { loadExperiment, resolveExperiment } from './config/load.js';
export { experimentSchema } from './config/schema.js';
export { ConfigError, GxError } from './errors.js';
export { architectures } from './registry/architectures/index.js';
export { datasets } from './registry/datasets.js';
export { losses } from './registry/losses/index.js';
export {
  classAccuracy,
  fid,
  type KidOptions,
  kid,
  mnistScore,
  precisionRecall,
  type Rows,
} from './registry/metrics/score-samples.js';
export { optimizers } from './registry/optimizers.js';
export { type RunOptions, type RunResult, resumeRun, runExperiment, syncRun } from './runner/run.js';
export { resumeSweep, runSweep, type SweepOptions, type SweepRecord } from './sweep/sweep.js';
export type { Tracker } from './tracking/tracker.js';

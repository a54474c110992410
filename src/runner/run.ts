import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describeNative, selectBackend } from '../backend/select.js';
import {
  type BackendName,
  type ResolvedExperiment,
  type SettledExperiment,
  withClasses,
  withMaxSteps,
} from '../config/experiment.js';
import { loadExperiment } from '../config/load.js';
import type { ImageSet } from '../data/image-set.js';
import { GxError } from '../errors.js';
import { buildGan } from '../models/build-gan.js';
import type { Gan } from '../models/gan.js';
import { describeSystemError } from '../system-errors.js';
import type { Tracker } from '../tracking/tracker.js';
import type { Callback } from './callbacks/callback.js';
import { checkpoints } from './callbacks/checkpoints.js';
import { datasetInput } from './callbacks/dataset-input.js';
import { divergenceGuard } from './callbacks/divergence-guard.js';
import { evaluation } from './callbacks/evaluation.js';
import { evolutionGif } from './callbacks/evolution-gif.js';
import { measured } from './callbacks/measured.js';
import { metricsLog } from './callbacks/metrics-log.js';
import { progress } from './callbacks/progress.js';
import { releaseReserveOnFailure } from './callbacks/release-reserve.js';
import { restoreCallbackStates, runContext } from './callbacks/run-context.js';
import { runRecord } from './callbacks/run-record.js';
import { sampleGrids } from './callbacks/sample-grids.js';
import { testRows } from './callbacks/test-rows.js';
import type { StepMetrics } from './loop/steps.js';
import { train } from './loop/trainer.js';
import { loadTrainingData } from './loop/training-data.js';
import { initialState, type TrainingState } from './loop/training-state.js';
import type { RunProgress } from './progress/run-progress.js';
import { loadCheckpoint } from './run-folder/checkpoint.js';
import { reserveSpace } from './run-folder/disk-reserve.js';
import { findRun, newRunId, readRunRecord, runsDir } from './run-folder/folder.js';
import { lockRun } from './run-folder/lock.js';
import { truncateRecord } from './run-folder/records.js';
import { openTracking, type RunIdentity } from './run-tracking.js';

export { syncRun } from './sync-run.js';

export interface RunOptions {
  /** Where run folders go: $GX_RUNS_DIR, else ./runs. */
  runsDir?: string;
  /** Overrides runtime.backend. */
  backend?: BackendName;
  /** Overrides train.max_steps (a resumed run continues to it). */
  maxSteps?: number;
  /** Print progress and epoch tables on stderr. */
  progress?: boolean;
  /** With `progress`: told where the run stands about once a second (a sweep's trial tells its sweep). */
  onProgress?: (progress: RunProgress) => void;
  /** Checked between steps: true stops the run cleanly, with a checkpoint to resume from. */
  shouldStop?: () => boolean;
  /** Checked as the run ends: true (a second Ctrl-C) skips the final grids and evaluation, never the checkpoint. */
  shouldHurry?: () => boolean;
  /** Where to say what happens to the tracking record (server away, back, kept on disk); default stderr. */
  warn?: (line: string) => void;
  /** Aborted when the user asks to stop: gx stops waiting for the tracking server to create the run. */
  stop?: AbortSignal;
  /**
   * The MLflow run's name (default: tracking.run_name, else the experiment's name); `gx run` and `gx sweep` name a
   * run by what differs from its file (config/settings.ts).
   */
  runName?: string;
  /** Bookkeeping tags for the MLflow run, beside gx's own (a sweep's trial: gx.sweep, gx.trial, mlflow.parentRunId). */
  tags?: Record<string, string>;
  /** A queued trial: each checkpoint also goes to the MLflow run; resumed with none made, it trains from the start. */
  queued?: { fromStart: boolean };
}

export interface RunResult {
  runId: string;
  runDir: string;
  backend: string;
  status: 'FINISHED' | 'STOPPED';
  state: TrainingState;
  /** The last step's metrics. */
  metrics: StepMetrics;
  /** The final generator, in the TensorFlow.js layers format. */
  modelDir: string;
  /** The MLflow run that records this one: the local store's folder or the server's URL, the run's id, its experiment's. */
  tracking: { store: string; runId?: string; experimentId?: string };
}

/** Trains an experiment from scratch in a new run folder. */
export async function runExperiment(experiment: ResolvedExperiment, options: RunOptions = {}): Promise<RunResult> {
  const runId = newRunId(experiment.name);
  return execute(experiment, runId, join(runsDir(options.runsDir), runId), undefined, options);
}

/** Continues a run from its last checkpoint, with the experiment it was started with. */
export async function resumeRun(run: string, options: RunOptions = {}): Promise<RunResult> {
  const runDir = await findRun(run, options.runsDir);
  const experiment = await loadExperiment(join(runDir, 'experiment.yaml'));
  const { id, tracking, runName } = await readRunRecord(runDir);
  // The MLflow run keeps its name; run.json too.
  return execute(
    experiment,
    id,
    runDir,
    options.queued?.fromStart ? undefined : join(runDir, 'checkpoint'),
    { ...options, runName: options.runName ?? runName },
    tracking,
  );
}

async function execute(
  asWritten: ResolvedExperiment,
  runId: string,
  runDir: string,
  checkpointDir: string | undefined,
  options: RunOptions,
  previousTracking?: { store: string; runId?: string },
): Promise<RunResult> {
  const asRun = withMaxSteps(asWritten, options.maxSteps);
  const requestedBackend = options.backend ?? asRun.runtime.backend;
  const backend = await selectBackend(requestedBackend);
  const warn = options.warn ?? ((line: string) => process.stderr.write(`gx: ${line}\n`));
  if (requestedBackend === 'auto' && backend !== 'tensorflow') warn(`training on ${backend}: ${describeNative()}`);
  const data = await loadTrainingData(asRun, true);
  for (const note of data.notes ?? []) warn(note);
  // A stop asked while the backend or data loaded ends it here; a signal is read only when the event loop turns.
  await new Promise((resolve) => setImmediate(resolve));
  if (options.stop?.aborted) throw new GxError('STOPPED', 'stopped before training began: nothing was trained');
  // Recorded settled (experiment.yaml, params): the run says how many classes it trained with.
  const experiment = withClasses(asRun, data.numClasses);
  const state = initialState(experiment.seed);
  const gan = buildGan(experiment, [data.height, data.width, data.channels], state);
  let unlock: (() => Promise<void>) | undefined;
  let releaseReserve = async () => {};
  let tracked = false;
  try {
    // The run folder exists before the MLflow run does: a folder that cannot be made fails with nothing to undo.
    await mkdir(join(runDir, 'samples'), { recursive: true });
    unlock = await lockRun(runDir);
    releaseReserve = await reserveSpace(runDir);
    let callbackStates: Record<string, unknown> = {};
    if (checkpointDir) {
      const restored = await loadCheckpoint(checkpointDir, gan);
      Object.assign(state, restored.state);
      callbackStates = restored.callbacks;
      // The steps after the checkpoint are trained again: their first record goes, they are recorded anew.
      for (const record of ['history.jsonl', 'eval.jsonl']) await truncateRecord(join(runDir, record), state.step);
    }
    const runName = options.runName ?? experiment.tracking.run_name ?? experiment.name;
    const tags = options.tags ?? {};
    const run = { experiment, runId, runName, tags, runDir, backend, warn, resumed: previousTracking !== undefined };
    const tracker = await openTracking(run, previousTracking, options.stop);
    tracked = true;
    return await trainAndRecord({ ...run, gan, state, callbackStates, tracker, releaseReserve }, options, data);
  } catch (error) {
    // A new run refused before its MLflow run existed leaves no folder behind.
    if (!checkpointDir && !tracked) await rm(runDir, { recursive: true, force: true }).catch(() => {});
    throw error;
  } finally {
    await releaseReserve();
    await unlock?.();
    gan.generator.dispose();
    gan.average?.generator.dispose();
    gan.discriminator.dispose();
    gan.optimizers.generator.dispose();
    gan.optimizers.discriminator.dispose();
  }
}

interface RunParts extends RunIdentity {
  experiment: SettledExperiment;
  resumed: boolean;
  gan: Gan;
  state: TrainingState;
  /** What the checkpoint resumed from kept for each keyed callback. */
  callbackStates: Record<string, unknown>;
  tracker: Tracker;
  releaseReserve: () => Promise<void>;
}

/**
 * Trains with the tracking record open, each side effect a callback (see callbacks/). Whatever goes wrong from here
 * on ends the run FAILED, in run.json and in MLflow (with the error as gx.error), after keeping what can be kept.
 */
async function trainAndRecord(parts: RunParts, options: RunOptions, data: ImageSet) {
  const { experiment, runDir, gan, state, tracker, resumed, warn } = parts;
  const { train: trainConfig, model, seed } = experiment;
  const evalConfig = experiment.eval?.enabled === false ? undefined : experiment.eval;
  const log = metricsLog({ experiment, runDir, tracker, resumed, warn });
  const evaluator =
    evalConfig &&
    evaluation({ experiment, config: evalConfig, runDir, gan, tracker, resumed, warn, progress: !!options.progress });
  const sampleSchedule = { everyEpochs: trainConfig.sample_every, everySteps: trainConfig.sample_every_steps };
  const samples = sampleGrids({
    model,
    seed,
    schedule: sampleSchedule,
    runDir,
    gan,
    tracker,
    grid: trainConfig.sample_grid,
  });
  // Checkpoints after the sinks, so that a checkpoint sees what they did; the final evaluation after the final
  // checkpoint; the run record last, since the run ends after everything else. The test rows before the progress
  // table that shows them; the scheduled side effects timed for the progress line's ETA.
  const callbacks: Callback[] = [
    releaseReserveOnFailure(parts.releaseReserve),
    ...(trainConfig.test_losses === true ? [testRows({ gan, experiment })] : []),
    ...(options.progress ? [progress({ data, train: trainConfig, gan, report: options.onProgress })] : []),
    log,
    datasetInput({ data, tracker, resumed }),
    divergenceGuard(),
    ...(evaluator
      ? [measured(evaluator.schedule, { everyEpochs: evalConfig.every, everySteps: evalConfig.every_steps })]
      : []),
    measured(samples, sampleSchedule),
    evolutionGif({ runDir, tracker, warn }),
    checkpoints({ train: trainConfig, runDir, gan, warn, snapshotTo: options.queued && tracker }),
    ...(evaluator ? [evaluator.final] : []),
    runRecord({ ...parts, data }),
  ];
  restoreCallbackStates(callbacks, parts.callbackStates, warn);
  const stopRequested = () => options.shouldStop?.() ?? false;
  const hurryRequested = () => options.shouldHurry?.() ?? false;
  const context = runContext({ state, callbacks, sink: log, stopRequested, hurryRequested });
  try {
    const shuffle = experiment.data.shuffle !== false;
    await train({ gan, data, model, train: trainConfig, seed, shuffle }, context, callbacks);
  } catch (thrown) {
    throw describeSystemError(thrown) ?? thrown;
  }
  return {
    runId: parts.runId,
    runDir,
    backend: parts.backend,
    status: context.outcome ?? 'FINISHED',
    state,
    metrics: { ...context.latest.step, ...context.latest.evaluation },
    modelDir: join(runDir, 'model'),
    tracking: { store: tracker.store, runId: tracker.runId, experimentId: tracker.experimentId },
  } satisfies RunResult;
}

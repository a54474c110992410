import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { BackendName } from '../backend/backend-names.js';
import type { ResolvedExperiment } from '../config/experiment.js';
import { newRunId, runsDir } from '../runner/run-folder/folder.js';
import { resumeTracking } from '../tracking/open.js';
import type { Tracker } from '../tracking/tracker.js';
import { credentialsIn } from '../uri-credentials.js';
import { finishSweep } from './finish.js';
import { localExecutor } from './local-executor.js';
import { adoptTrials, startParentRun } from './parent-run.js';
import { defaultMetric, sweepTrials, writePlan } from './plan.js';
import { readSweepRecord, type SweepRecord, sweepRecordSaver, type TrialRecord } from './record.js';
import { type RunTrialsOptions, runTrials } from './run-trials.js';
import type { TrialExecutor } from './trial-executor.js';

export { sweepTrials } from './plan.js';
export type { SweepRecord, TrialRecord, TrialStatus } from './record.js';

export interface SweepOptions {
  runsDir?: string;
  /** Trials at once, each in its own process. */
  jobs?: number;
  /** The metric that ranks the trials, and whether lower or higher is better. */
  metric?: string;
  mode?: 'min' | 'max';
  /** Stop starting trials after the first one fails. */
  failFast?: boolean;
  /** Passed to every trial's `gx run`. */
  maxSteps?: number;
  backend?: BackendName;
  /** Aborted: start no more trials, and ask the running ones to stop (they checkpoint). */
  stop?: AbortSignal;
  /** Polled, as `stop` (for a caller without a signal). */
  shouldStop?: () => boolean;
  onTrial?: (trial: TrialRecord) => void;
  /** Told as each trial starts, and where its run stands while it trains (see run-trials.ts). */
  onTrialStart?: RunTrialsOptions['onTrialStart'];
  onProgress?: RunTrialsOptions['onProgress'];
  warn?: (line: string) => void;
  /** Extra environment of the trials' processes. */
  trialEnv?: NodeJS.ProcessEnv;
  /** How long to wait for a slow server to create the parent run before the first trial starts (60 s). */
  parentPatienceMs?: number;
  /** Where the trials run: by default `jobs` processes on this machine; a function gets the sweep's folder and store. */
  executor?: TrialExecutor | ((sweepDir: string, store: string) => TrialExecutor);
}

/** Runs a sweep: a parent MLflow run, then one child run per trial (`gx run` in a worker process). */
export async function runSweep(file: string, overrides: readonly string[], options: SweepOptions = {}) {
  const { base, trials } = await sweepTrials(file, overrides);
  const id = newRunId(`${base.name}-sweep`);
  const sweepDir = join(runsDir(options.runsDir), id);
  await mkdir(join(sweepDir, 'trials'), { recursive: true });
  const planned = await writePlan(sweepDir, base, trials, options.maxSteps);
  const tracker = await startParentRun(
    base,
    trials.map(({ trial }) => trial),
    [...planned.values()],
    id,
    sweepDir,
    warnOf(options),
    options.parentPatienceMs,
  );
  const record: SweepRecord = {
    id,
    experiment: resolve(file),
    metric: options.metric ?? defaultMetric(base),
    mode: options.mode ?? 'min',
    parent: { store: tracker.store, runId: tracker.runId, experimentId: tracker.experimentId },
    trials: trials.map(({ trial }) => ({ ...trial, status: 'PENDING' })),
  };
  // The trials' files hold the tracking URI without its login: their processes get it as MLFLOW_TRACKING_URI, which
  // signs in to the same server (see connectMlflow).
  const uri = base.tracking.uri;
  const trialEnv = uri !== undefined && credentialsIn(uri) ? { MLFLOW_TRACKING_URI: uri } : {};
  return execute(sweepDir, record, tracker, { ...options, trialEnv: { ...options.trialEnv, ...trialEnv } }, planned);
}

/** Continues a sweep: its trials that did not finish (a stopped one from its checkpoint), under the same parent. */
export async function resumeSweep(sweep: string, options: SweepOptions = {}) {
  const sweepDir = resolve(sweep);
  const record = await readSweepRecord(sweepDir);
  const tracker = await resumeTracking(record.parent, sweepDir, warnOf(options));
  return execute(
    sweepDir,
    { ...record, metric: options.metric ?? record.metric, mode: options.mode ?? record.mode },
    tracker,
    options,
  );
}

/** Runs the trials that are left, then sums the sweep up on its parent run. */
async function execute(
  sweepDir: string,
  record: SweepRecord,
  tracker: Tracker,
  options: SweepOptions,
  planned = new Map<number, ResolvedExperiment>(),
) {
  const save = sweepRecordSaver(sweepDir, record, tracker);
  await save();
  const executor =
    typeof options.executor === 'function'
      ? options.executor(sweepDir, record.parent.store)
      : (options.executor ?? localExecutor({ sweepDir, jobs: options.jobs ?? 1, env: options.trialEnv }));
  const stop = stopSignal(options);
  try {
    await runTrials(sweepDir, record, tracker, executor, { ...options, stop: stop.signal }, planned, save);
  } finally {
    stop.dispose();
  }
  const { ranked, complete } = await finishSweep(sweepDir, record, tracker, save, warnOf(options));
  await adoptTrials(record, tracker, warnOf(options));
  return { sweepDir, record, ranked, complete };
}

/** One signal to stop by: the caller's `stop`, or its `shouldStop` turning true (checked every 200 ms). */
function stopSignal(options: SweepOptions): { signal: AbortSignal; dispose: () => void } {
  const { stop = new AbortController().signal, shouldStop } = options;
  if (!shouldStop) return { signal: stop, dispose: () => {} };
  const polled = new AbortController();
  const timer = setInterval(() => {
    if (shouldStop()) polled.abort();
  }, 200);
  return { signal: AbortSignal.any([stop, polled.signal]), dispose: () => clearInterval(timer) };
}

function warnOf(options: SweepOptions) {
  return options.warn ?? ((line: string) => process.stderr.write(`gx: ${line}\n`));
}

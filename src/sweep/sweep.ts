import type { ChildProcess } from 'node:child_process';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import type { BackendName } from '../backend/backend-names.js';
import { type ResolvedExperiment, withMaxSteps } from '../config/experiment.js';
import { runName } from '../config/settings.js';
import { shareable } from '../config/shareable.js';
import { writeReport } from '../report/write-report.js';
import { newRunId, runsDir } from '../runner/run-folder.js';
import { recordedStore, resumeTracking, startTracking } from '../tracking/open.js';
import type { Tracker } from '../tracking/tracker.js';
import { credentialsIn } from '../uri-credentials.js';
import { sweepTrials } from './plan.js';
import { readSweepRecord, type SweepRecord, type TrialRecord, type TrialStatus } from './record.js';
import { runTrial, trialFile } from './run-trial.js';
import { comparisonCsv, comparisonMarkdown, rankTrials } from './summary.js';
import { reportOfSweep } from './sweep-report.js';
import type { Trial } from './trials.js';

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
  /** Checked between trials; when it turns true, the running trials are asked to stop (they checkpoint). */
  shouldStop?: () => boolean;
  onTrial?: (trial: TrialRecord) => void;
  warn?: (line: string) => void;
  /** Extra environment of the trials' processes. */
  trialEnv?: NodeJS.ProcessEnv;
}

/** Runs a sweep: a parent MLflow run, then one child run per trial (`gx run` in a worker process). */
export async function runSweep(file: string, overrides: readonly string[], options: SweepOptions = {}) {
  const { base, trials } = await sweepTrials(file, overrides);
  const id = newRunId(`${base.name}-sweep`);
  const sweepDir = join(runsDir(options.runsDir), id);
  await mkdir(join(sweepDir, 'trials'), { recursive: true });
  await writeFile(join(sweepDir, 'experiment.yaml'), stringify(shareable(base)));
  // The plan: each trial's resolved experiment, as it will run (without the sweep section, with --max-steps), kept
  // in memory for its process and written to trial-NNN.yaml for the record and a resume.
  const planned = new Map<number, ResolvedExperiment>();
  for (const { trial, experiment } of trials) {
    const { sweep, ...single } = shareable(withMaxSteps(experiment, options.maxSteps));
    planned.set(trial.index, single);
    await writeFile(trialFile(sweepDir, trial), stringify(single));
  }

  const tracker = await startTracking(
    base.tracking,
    {
      experiment: base.tracking.experiment ?? base.name,
      runName: parentName(
        base.name,
        trials.map(({ trial }) => trial),
      ),
      tags: { ...base.tracking.tags, 'gx.sweep': id, 'mlflow.source.name': `gx sweep ${base.name}` },
      folder: sweepDir,
    },
    warnOf(options),
  );
  await tracker.logParams(sweepParams(base));
  await parentCreated(tracker, warnOf(options));
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

async function execute(
  sweepDir: string,
  record: SweepRecord,
  tracker: Tracker,
  options: SweepOptions,
  planned = new Map<number, ResolvedExperiment>(),
) {
  // Workers finish at any time: their writes of sweep.json take turns.
  let saved = Promise.resolve();
  const save = () => {
    saved = saved.then(async () => {
      record.parent.runId = tracker.runId;
      record.parent.experimentId = tracker.experimentId;
      await writeFile(join(sweepDir, 'sweep.json.tmp'), JSON.stringify(record, null, 2));
      await rename(join(sweepDir, 'sweep.json.tmp'), join(sweepDir, 'sweep.json'));
    });
    return saved;
  };
  await save();
  const queue = record.trials.filter((trial) => trial.status !== 'FINISHED' && trial.status !== 'FAILED');
  const running = new Set<ChildProcess>();
  let failed = false;
  const stopping = () => options.shouldStop?.() || (options.failFast === true && failed);
  // Each running trial is asked once (a second SIGINT would make it quit without its checkpoint).
  const asked = new WeakSet<ChildProcess>();
  const stopTimer = setInterval(() => {
    if (!options.shouldStop?.()) return;
    for (const child of running) {
      if (asked.has(child)) continue;
      asked.add(child);
      child.kill('SIGINT');
    }
  }, 200);

  const worker = async () => {
    for (let trial = queue.shift(); trial && !stopping(); trial = queue.shift()) {
      trial.status = 'RUNNING';
      await save();
      await runTrial(sweepDir, record, trial, options, running, planned.get(trial.index));
      failed ||= (trial.status as TrialStatus) === 'FAILED';
      await save();
      options.onTrial?.(trial);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.jobs ?? 1) }, worker));
  } finally {
    clearInterval(stopTimer);
  }

  const ranked = rankTrials(record);
  await writeFile(join(sweepDir, 'trials.csv'), comparisonCsv(record));
  await tracker.logArtifact(join(sweepDir, 'trials.csv'));
  await tracker.logArtifact(join(sweepDir, 'sweep.json'));
  // The trials side by side (report.html): MLflow's artifact viewer shows the page on the parent run.
  const report = join(sweepDir, 'report.html');
  try {
    await writeReport(await reportOfSweep(record), report);
    await tracker.logArtifact(report);
  } catch (error) {
    warnOf(options)(
      `could not write the sweep's report (${(error as Error).message}); \`gx report ${sweepDir}\` tries again`,
    );
  }
  const count = (status: TrialStatus) => String(record.trials.filter((t) => t.status === status).length);
  await tracker.setTags({
    'mlflow.note.content': comparisonMarkdown(record),
    'gx.sweep.finished': count('FINISHED'),
    'gx.sweep.failed': count('FAILED'),
    'gx.sweep.unfinished': String(record.trials.length - Number(count('FINISHED')) - Number(count('FAILED'))),
    'gx.sweep.metric': record.metric,
    ...(ranked[0] && { 'gx.sweep.best_trial': String(ranked[0].trial.index) }),
    ...(ranked[0]?.trial.runId && { 'gx.sweep.best_run_id': ranked[0].trial.runId }),
  });
  if (ranked[0]) {
    await tracker.logMetrics([
      { key: `best_${record.metric}`, value: ranked[0].value, step: 0, timestamp: Date.now() },
    ]);
  }
  const complete = record.trials.every((t) => t.status === 'FINISHED' || t.status === 'FAILED');
  await tracker.end(complete ? 'FINISHED' : 'KILLED');
  await save();
  return { sweepDir, record, ranked, complete };
}

function sweepParams(base: ResolvedExperiment): Record<string, string> {
  const sweep = base.sweep as NonNullable<ResolvedExperiment['sweep']>;
  return {
    'sweep.method': sweep.method,
    'sweep.seed': String(sweep.seed),
    ...(sweep.count !== undefined && { 'sweep.count': String(sweep.count) }),
    ...Object.fromEntries(
      Object.entries(sweep.parameters).map(([path, spec]) => [`sweep.${path}`, JSON.stringify(spec)]),
    ),
  };
}

/**
 * What ranks the trials unless --metric says: FID when the experiment is evaluated with it (a GAN's loss says little
 * of its samples), else the generator's last loss. Both are better lower.
 */
export function defaultMetric(experiment: ResolvedExperiment): string {
  const evaluated = experiment.eval !== undefined && experiment.eval.enabled !== false;
  return evaluated && experiment.eval?.metrics.includes('fid') ? 'fid' : 'g_loss';
}

/** The parent run's name: the experiment's, and each swept path with its values (`quickstart sweep lr=[1e-4,2e-4]`). */
function parentName(name: string, trials: readonly Trial[]): string {
  const paths = [...new Set(trials.flatMap((trial) => Object.keys(trial.values)))];
  return runName(
    `${name} sweep`,
    paths.map((path) => [path, [...new Set(trials.map((trial) => trial.values[path]))]]),
  );
}

/** How long a sweep waits for a slow server to create its parent run before it starts the trials. */
const PARENT_PATIENCE_MS = 60_000;

/**
 * The trials nest under the parent by its run id (mlflow.parentRunId): a server slower than a run's own patience
 * (a busy machine, a server just started) gets longer to create the parent before the first trial starts. One that
 * cannot be reached does not hold the sweep: its trials run unnested, and the record waits on disk.
 */
async function parentCreated(tracker: Tracker, warn: (line: string) => void) {
  if (recordedStore(tracker.store).kind !== 'server') return;
  for (const deadline = Date.now() + PARENT_PATIENCE_MS; tracker.runId === undefined && Date.now() < deadline; )
    await sleep(200);
  if (tracker.runId === undefined)
    warn(`the MLflow parent run is not created yet: the trials will not be nested under it in ${tracker.store}`);
}

function warnOf(options: SweepOptions) {
  return options.warn ?? ((line: string) => process.stderr.write(`gx: ${line}\n`));
}

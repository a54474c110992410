import { type ChildProcess, fork } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { BackendName } from '../backend/backend-names.js';
import type { ResolvedExperiment } from '../config/experiment.js';
import { loadExperiment, resolveExperiment } from '../config/load.js';
import { shareable } from '../config/shareable.js';
import { ConfigError, GxError } from '../errors.js';
import { newRunId, runsDir } from '../runner/run-folder.js';
import { resumeTracking, startTracking } from '../tracking/open.js';
import type { Tracker } from '../tracking/tracker.js';
import { credentialsIn } from '../uri-credentials.js';
import type { SweepRecord, TrialRecord, TrialStatus } from './record.js';
import { comparisonCsv, comparisonMarkdown, rankTrials } from './summary.js';
import type { TrialReply, TrialRequest } from './trial-process.js';
import { expandTrials, type Trial } from './trials.js';

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

/**
 * The trials of an experiment's sweep, each a whole experiment validated by the schema: an invalid combination is
 * reported, for every trial that has one, before anything runs.
 */
export async function sweepTrials(file: string, overrides: readonly string[]) {
  const base = await loadExperiment(file, { overrides });
  const text = await readFile(file, 'utf8');
  if (!base.sweep) {
    throw new GxError('SWEEP_EMPTY', `${file}: nothing to sweep`, 'add a sweep: section, or --param path=v1,v2,...');
  }
  const problems: string[] = [];
  const trials = expandTrials(base.sweep).map((trial) => {
    const sets = Object.entries(trial.values).map(([path, value]) => `${path}=${JSON.stringify(value)}`);
    try {
      return { trial, experiment: resolveExperiment(file, text, { overrides: [...overrides, ...sets] }) };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems.map((problem) => `trial ${trial.index} (${sets.join(' ')}): ${problem}`));
      return undefined;
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return { base, trials: trials as { trial: Trial; experiment: ResolvedExperiment }[] };
}

/** Runs a sweep: a parent MLflow run, then one child run per trial (`gx run` in a worker process). */
export async function runSweep(file: string, overrides: readonly string[], options: SweepOptions = {}) {
  const { base, trials } = await sweepTrials(file, overrides);
  const id = newRunId(`${base.name}-sweep`);
  const sweepDir = join(runsDir(options.runsDir), id);
  await mkdir(join(sweepDir, 'trials'), { recursive: true });
  await writeFile(join(sweepDir, 'experiment.yaml'), stringify(shareable(base)));
  // The plan: each trial's resolved experiment, as it will run (without the sweep section, under its own run
  // name), kept in memory for its process and written to trial-NNN.yaml for the record and a resume.
  const planned = new Map<number, ResolvedExperiment>();
  for (const { trial, experiment } of trials) {
    const runName = `${base.name} #${trial.index} ${Object.entries(trial.values)
      .map(([path, value]) => `${path.split('.').slice(-2).join('.')}=${value}`)
      .join(' ')}`;
    const { sweep, ...single } = shareable(experiment);
    planned.set(trial.index, { ...single, tracking: { ...single.tracking, run_name: runName } });
    await writeFile(trialFile(sweepDir, trial), stringify(planned.get(trial.index)));
  }

  const tracker = await startTracking(
    base.tracking,
    {
      experiment: base.tracking.experiment ?? base.name,
      runName: id,
      tags: { ...base.tracking.tags, 'gx.sweep': id, 'mlflow.source.name': `gx sweep ${base.name}` },
      folder: sweepDir,
    },
    warnOf(options),
  );
  await tracker.logParams(sweepParams(base));
  const record: SweepRecord = {
    id,
    experiment: resolve(file),
    metric: options.metric ?? 'g_loss',
    mode: options.mode ?? 'min',
    parent: { store: tracker.store, runId: tracker.runId },
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
  let record: SweepRecord;
  try {
    record = JSON.parse(await readFile(join(sweepDir, 'sweep.json'), 'utf8'));
  } catch {
    throw new GxError(
      'SWEEP_NOT_FOUND',
      `no sweep in ${sweepDir} (no sweep.json)`,
      'give the folder `gx sweep` printed',
    );
  }
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
  const count = (status: TrialStatus) => String(record.trials.filter((t) => t.status === status).length);
  await tracker.setTags({
    'mlflow.note.content': comparisonMarkdown(record),
    'gx.sweep.finished': count('FINISHED'),
    'gx.sweep.failed': count('FAILED'),
    'gx.sweep.unfinished': String(record.trials.length - Number(count('FINISHED')) - Number(count('FAILED'))),
    ...(ranked[0] && { 'gx.sweep.best_trial': String(ranked[0].trial.index) }),
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

/** One trial as its own process (see trial-process.ts): a crash or a diverged run fails that trial, not the sweep. */
async function runTrial(
  sweepDir: string,
  record: SweepRecord,
  trial: TrialRecord,
  options: SweepOptions,
  running: Set<ChildProcess>,
  planned: ResolvedExperiment | undefined,
) {
  const { maxSteps, backend } = options;
  // A trial stopped earlier continues from its checkpoint; others start, nested under the parent run.
  let request: TrialRequest = { resume: trial.runDir ?? '', maxSteps, backend };
  if (!trial.runDir) {
    // A resumed sweep has its plan on disk only: a trial that never started is read back from its file.
    const experiment = planned ?? (await loadExperiment(trialFile(sweepDir, trial)));
    const tags: Record<string, string> = {
      ...experiment.tracking.tags,
      'gx.sweep': record.id,
      'gx.trial': String(trial.index),
    };
    if (record.parent.runId) tags['mlflow.parentRunId'] = record.parent.runId;
    const tagged = { ...experiment, tracking: { ...experiment.tracking, tags } };
    await writeFile(trialFile(sweepDir, trial), stringify(tagged));
    // Each trial's run in a folder of its own, emptied of whatever a start cut short left there.
    const runsDir = join(sweepDir, 'trials', `trial-${pad(trial.index)}`);
    await rm(runsDir, { recursive: true, force: true });
    request = { experiment: tagged, runsDir, maxSteps, backend };
  }
  const log = createWriteStream(join(sweepDir, 'trials', `trial-${pad(trial.index)}.log`), { flags: 'a' });
  // Its own process group: Ctrl-C reaches the sweep alone, which asks each trial once to stop cleanly.
  const child = fork(TRIAL_PROCESS, [], {
    env: { ...process.env, ...options.trialEnv },
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  running.add(child);
  let reply: TrialReply | undefined;
  child.on('message', (message) => {
    reply = message as TrialReply;
  });
  child.stderr?.pipe(log);
  child.send(request);
  const code = await new Promise<number | null>((done) => child.on('close', done));
  running.delete(child);
  log.end();
  if (reply && 'result' in reply) {
    const { result } = reply;
    Object.assign(trial, { runDir: result.runDir, runId: result.tracking.runId, metrics: result.metrics });
    trial.status = result.status === 'FINISHED' ? 'FINISHED' : 'STOPPED';
    return;
  }
  trial.error = reply?.error.message ?? `the trial process exited with ${code}`;
  // Stopped when asked: cleanly (130), or by the signal itself while it was still starting (nothing to keep then).
  trial.status = code === 130 || (code === null && options.shouldStop?.()) ? 'STOPPED' : 'FAILED';
}

const TRIAL_PROCESS = fileURLToPath(new URL('./trial-process.js', import.meta.url));

function trialFile(sweepDir: string, trial: Trial): string {
  return join(sweepDir, 'trials', `trial-${pad(trial.index)}.yaml`);
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

function warnOf(options: SweepOptions) {
  return options.warn ?? ((line: string) => process.stderr.write(`gx: ${line}\n`));
}

function pad(n: number): string {
  return String(n).padStart(3, '0');
}

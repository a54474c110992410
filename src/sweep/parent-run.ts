import { setTimeout as sleep } from 'node:timers/promises';
import type { ResolvedExperiment } from '../config/experiment.js';
import { runName } from '../config/settings.js';
import { adoptServerRun } from '../tracking/adopt-run.js';
import { recordedStore, startTracking } from '../tracking/open.js';
import { experimentParams, paramValue } from '../tracking/params.js';
import type { Tracker } from '../tracking/tracker.js';
import type { SweepRecord } from './record.js';
import type { Trial } from './trials.js';

/**
 * The sweep's parent run, named for what it sweeps, with the sweep's spec and the settings its trials share (as the
 * trials' runs have them, `train.max_steps` of --max-steps included) as its params; the trials' runs nest under it.
 * Returns once the run is created, or once a slow server has had its time (see parentCreated).
 */
export async function startParentRun(
  base: ResolvedExperiment,
  trials: readonly Trial[],
  experiments: readonly ResolvedExperiment[],
  sweepId: string,
  sweepDir: string,
  warn: (line: string) => void,
  patienceMs = PARENT_PATIENCE_MS,
): Promise<Tracker> {
  const tracker = await startTracking(
    base.tracking,
    {
      experiment: base.tracking.experiment ?? base.name,
      runName: parentName(base.name, trials),
      tags: { ...base.tracking.tags, 'gx.sweep': sweepId, 'mlflow.source.name': `gx sweep ${base.name}` },
      folder: sweepDir,
    },
    warn,
  );
  await tracker.logParams({ ...sharedParams(experiments), ...sweepParams(base) });
  await parentCreated(tracker, patienceMs, warn);
  return tracker;
}

function sweepParams(base: ResolvedExperiment): Record<string, string> {
  const sweep = base.sweep as NonNullable<ResolvedExperiment['sweep']>;
  return {
    'sweep.method': sweep.method,
    'sweep.seed': String(sweep.seed),
    ...(sweep.count !== undefined && { 'sweep.count': String(sweep.count) }),
    ...(sweep.seeds !== undefined && { 'sweep.seeds': String(sweep.seeds) }),
    ...Object.fromEntries(
      Object.entries(sweep.parameters).map(([path, spec]) => [`sweep.${path}`, paramValue(JSON.stringify(spec))]),
    ),
  };
}

/**
 * The params every trial's run has with one value: what the trials share. Taken from their runs' params, so they are
 * the same keys and values within MLflow's limits, and hold no tracking settings (where a login could be).
 */
function sharedParams(experiments: readonly ResolvedExperiment[]): Record<string, string> {
  const [first, ...others] = experiments.map(experimentParams);
  if (!first) return {};
  return Object.fromEntries(Object.entries(first).filter(([key, value]) => others.every((o) => o[key] === value)));
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
async function parentCreated(tracker: Tracker, patienceMs: number, warn: (line: string) => void) {
  if (recordedStore(tracker.store).kind !== 'server') return;
  for (const deadline = Date.now() + patienceMs; tracker.runId === undefined && Date.now() < deadline; )
    await sleep(200);
  if (tracker.runId === undefined)
    warn(`the MLflow parent run is not created yet: trials that start before it are nested under it at the end`);
}

/**
 * Nests under the parent run the trials that started before it was created (a server slow at the start): once the
 * sweep ends, its parent run is there if the server came back. A trial's tag that cannot be sent now waits in its
 * run's record for `gx sync`.
 */
export async function adoptTrials(record: SweepRecord, parent: Tracker, warn: (line: string) => void) {
  const parentRunId = parent.runId;
  if (parentRunId === undefined || recordedStore(parent.store).kind !== 'server') return;
  for (const trial of record.trials) {
    if (trial.runDir === undefined) continue;
    await adoptServerRun(trial.runDir, parentRunId).catch((error: Error) =>
      warn(
        `trial ${trial.index} is not nested under the parent run yet (${error.message}); \`gx sync ${trial.runDir}\` does it`,
      ),
    );
  }
}

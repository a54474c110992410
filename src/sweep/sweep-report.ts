import type { Report, ReportRun } from '../report/report-run.js';
import { runFromFolder } from '../report/run-folder-runs.js';
import { reportRun } from '../report/store-runs.js';
import { recordedStore } from '../tracking/open.js';
import { readStore } from '../tracking/open-store-reader.js';
import { readSweepRecord, type SweepRecord } from './record.js';
import { trialsInRankOrder } from './summary.js';

/** A sweep folder's report, from its sweep.json (see reportOfSweep). */
export async function reportFromSweep(sweepDir: string): Promise<Report> {
  return reportOfSweep(await readSweepRecord(sweepDir));
}

/**
 * A sweep's report from its record: the trials that have a run folder, ranked as the sweep ranks them (best
 * first), then the rest. The report gets plain runs and the ranking's metric; it knows nothing of sweeps.
 */
export async function reportOfSweep(record: SweepRecord): Promise<Report> {
  const order = trialsInRankOrder(record);
  const runs: ReportRun[] = [];
  for (const trial of order) if (trial.runDir) runs.push(await runFromFolder(trial.runDir));
  // A queued trial's run folder is on its worker's machine: its run is read from the MLflow server.
  const queued = order.filter((trial) => !trial.runDir && trial.runId).map((trial) => trial.runId as string);
  if (queued.length > 0) runs.push(...(await storedRuns(record.parent.store, queued)));
  return {
    title: `Sweep ${record.id}`,
    subtitle: `${record.trials.length} trials, ranked by ${record.metric} (${record.mode === 'max' ? 'higher' : 'lower'} is better)`,
    runs,
    ranking: { metric: record.metric, mode: record.mode },
  };
}

/** Runs of a store by id, in the order given (among its newest runs). */
async function storedRuns(store: string, runIds: string[]): Promise<ReportRun[]> {
  const where = recordedStore(store);
  if (where.kind === 'none') return [];
  return readStore(where, async (reader) => {
    const listed = new Map((await reader.listRuns()).map((run) => [run.runId, run]));
    const runs: ReportRun[] = [];
    for (const id of runIds) {
      const run = listed.get(id);
      if (run) runs.push(await reportRun(reader, run));
    }
    return runs;
  });
}

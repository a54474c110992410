import type { Report, ReportRun } from '../report/report-run.js';
import { runFromFolder } from '../report/run-folder-runs.js';
import { readSweepRecord, type SweepRecord } from './record.js';
import { rankTrials } from './summary.js';

/** A sweep folder's report, from its sweep.json (see reportOfSweep). */
export async function reportFromSweep(sweepDir: string): Promise<Report> {
  return reportOfSweep(await readSweepRecord(sweepDir));
}

/**
 * A sweep's report from its record: the trials that have a run folder, ranked as the sweep ranks them (best
 * first), then the rest. The report gets plain runs and the ranking's metric; it knows nothing of sweeps.
 */
export async function reportOfSweep(record: SweepRecord): Promise<Report> {
  const ranked = rankTrials(record).map(({ trial }) => trial);
  const order = [...ranked, ...record.trials.filter((trial) => !ranked.includes(trial))];
  const runs: ReportRun[] = [];
  for (const trial of order) if (trial.runDir) runs.push(await runFromFolder(trial.runDir));
  return {
    title: `Sweep ${record.id}`,
    subtitle: `${record.trials.length} trials, ranked by ${record.metric} (${record.mode === 'max' ? 'higher' : 'lower'} is better)`,
    runs,
    ranking: { metric: record.metric, mode: record.mode },
  };
}

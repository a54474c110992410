import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeReport } from '../report/write-report.js';
import type { Tracker } from '../tracking/tracker.js';
import { comparesSeeds, configurations } from './configurations.js';
import type { SweepRecord, TrialRecord, TrialStatus } from './record.js';
import { comparisonCsv, rankTrials, trialName } from './summary.js';
import { comparisonMarkdown } from './summary-markdown.js';
import { reportOfSweep } from './sweep-report.js';

/**
 * The sweep's summary once no trial runs: trials.csv, sweep.json and report.html on the parent run, the ranked
 * table as its description, the best trial and its metric; the parent ends FINISHED when every trial did or failed.
 */
export async function finishSweep(
  sweepDir: string,
  record: SweepRecord,
  tracker: Tracker,
  save: () => Promise<void>,
  warn: (line: string) => void,
) {
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
    warn(`could not write the sweep's report (${(error as Error).message}); \`gx report ${sweepDir}\` tries again`);
  }
  const count = (status: TrialStatus) => String(record.trials.filter((t) => t.status === status).length);
  const best = bestOf(record, ranked);
  await tracker.setTags({
    'mlflow.note.content': comparisonMarkdown(record),
    'gx.sweep.finished': count('FINISHED'),
    'gx.sweep.failed': count('FAILED'),
    'gx.sweep.unfinished': String(record.trials.length - Number(count('FINISHED')) - Number(count('FAILED'))),
    'gx.sweep.metric': record.metric,
    ...(best && { 'gx.sweep.best_trial': String(best.trial.index), 'gx.sweep.best_run_name': trialName(best.trial) }),
    ...(best?.trial.runId && { 'gx.sweep.best_run_id': best.trial.runId }),
    ...(best?.configuration && { 'gx.sweep.best_configuration': best.configuration }),
  });
  if (best) {
    const metric = (key: string, value: number) => ({ key, value, step: 0, timestamp: Date.now() });
    await tracker.logMetrics([
      metric(`best_${record.metric}`, best.value),
      ...(best.mean !== undefined ? [metric(`best_${record.metric}_mean`, best.mean)] : []),
      ...(best.spread !== undefined ? [metric(`best_${record.metric}_sd`, best.spread)] : []),
    ]);
  }
  const complete = record.trials.every((t) => t.status === 'FINISHED' || t.status === 'FAILED');
  await tracker.end(complete ? 'FINISHED' : 'KILLED');
  await save();
  return { ranked, complete };
}

interface Best {
  trial: TrialRecord;
  value: number;
  configuration?: string;
  mean?: number;
  spread?: number;
}

/**
 * The sweep's best trial: the best-ranked one, or over seeds the best trial of the configuration with the best mean
 * (with that mean and its spread).
 */
function bestOf(record: SweepRecord, ranked: ReturnType<typeof rankTrials>): Best | undefined {
  if (!comparesSeeds(record)) return ranked[0];
  const [first] = configurations(record);
  const trial = first?.best;
  if (!trial) return undefined;
  const value = Number(trial.metrics?.[record.metric]);
  const configuration = trialName({ ...trial, values: Object.fromEntries(first.values) });
  return { trial, value, configuration, mean: first.group.mean, spread: first.group.spread };
}

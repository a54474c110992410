import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeReport } from '../report/write-report.js';
import type { Tracker } from '../tracking/tracker.js';
import type { SweepRecord, TrialStatus } from './record.js';
import { comparisonCsv, comparisonMarkdown, rankTrials } from './summary.js';
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
  return { ranked, complete };
}

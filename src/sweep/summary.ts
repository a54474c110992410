import type { SweepRecord, TrialRecord } from './record.js';

/** The trials that have the sweep's metric as a finite number, best first. */
export function rankTrials(record: SweepRecord): { trial: TrialRecord; value: number }[] {
  const sign = record.mode === 'max' ? -1 : 1;
  return record.trials
    .map((trial) => ({ trial, value: Number(trial.metrics?.[record.metric]) }))
    .filter(({ trial, value }) => trial.status === 'FINISHED' && Number.isFinite(value))
    .sort((a, b) => sign * (a.value - b.value));
}

/** Shown beside the ranking metric when the trials have them: what an evaluation says of the samples. */
const SAMPLE_METRICS = ['fid', 'class_accuracy'];

/**
 * Rows of the comparison: one per trial, ranked ones first, with the swept values, the metric that ranks them and
 * the sample metrics (FID, class accuracy) the trials were evaluated with.
 */
export function comparisonRows(record: SweepRecord): string[][] {
  const paths = [...new Set(record.trials.flatMap((trial) => Object.keys(trial.values)))];
  const metrics = [
    record.metric,
    ...SAMPLE_METRICS.filter(
      (key) => key !== record.metric && record.trials.some((t) => t.metrics?.[key] !== undefined),
    ),
  ];
  const ranked = rankTrials(record);
  const order = [
    ...ranked.map(({ trial }) => trial),
    ...record.trials.filter((t) => !ranked.some((r) => r.trial === t)),
  ];
  return [
    ['rank', 'trial', ...paths, 'status', ...metrics, 'run'],
    ...order.map((trial) => {
      const rank = ranked.findIndex((r) => r.trial === trial);
      return [
        rank < 0 ? '-' : String(rank + 1),
        String(trial.index),
        ...paths.map((path) => String(trial.values[path])),
        trial.status,
        ...metrics.map((key) => {
          const value = trial.metrics?.[key];
          return value === undefined ? '' : String(typeof value === 'number' ? Number(value.toPrecision(5)) : value);
        }),
        trial.runId ?? '',
      ];
    }),
  ];
}

export function comparisonCsv(record: SweepRecord): string {
  const cell = (text: string) => (/[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
  return `${comparisonRows(record)
    .map((row) => row.map(cell).join(','))
    .join('\n')}\n`;
}

/** The parent run's description in the MLflow UI: the trials ranked, as a Markdown table. */
export function comparisonMarkdown(record: SweepRecord): string {
  const [header, ...rows] = comparisonRows(record);
  const line = (row: string[]) => `| ${row.join(' | ')} |`;
  return [
    `Sweep ${record.id}: ${record.trials.length} trials, ranked by ${record.metric} (${record.mode}).`,
    '',
    line(header),
    line(header.map(() => '---')),
    ...rows.map(line),
  ].join('\n');
}

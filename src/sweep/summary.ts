import { runName, valueText } from '../config/settings.js';
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
        ...paths.map((path) => valueText(trial.values[path])),
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

/**
 * The parent run's description in the MLflow UI (Markdown): the best trial as a link to its run, then the trials
 * ranked, each named by what it varies and linked to its run, with the ranking metric and the sample metrics; no
 * run ids, so the table fits the description's width.
 */
export function comparisonMarkdown(record: SweepRecord): string {
  const [header, ...rows] = comparisonRows(record);
  const column = (name: string) => header.indexOf(name);
  const metrics = header.slice(column('status') + 1, column('run'));
  const link = (name: string, runId: string) =>
    runId !== '' && record.parent.experimentId !== undefined
      ? `[${name}](#/experiments/${record.parent.experimentId}/runs/${runId})`
      : name;
  const byIndex = new Map(record.trials.map((trial) => [String(trial.index), trial]));
  const nameOf = (row: string[]) => {
    const trial = byIndex.get(row[column('trial')]);
    return trial ? link(trialName(trial), trial.runId ?? '') : row[column('trial')];
  };
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const best = rankTrials(record)[0];
  return [
    `**Sweep ${record.id}**: ${record.trials.length} trials, ranked by \`${record.metric}\` (${record.mode === 'min' ? 'lower' : 'higher'} is better).`,
    '',
    best
      ? `Best: ${link(trialName(best.trial), best.trial.runId ?? '')}, ${record.metric} ${Number(best.value.toPrecision(5))}.`
      : 'No trial has finished with the metric yet.',
    '',
    line(['#', 'run', ...metrics, 'status']),
    line(['--:', ':--', ...metrics.map(() => '--:'), ':--']),
    ...rows.map((row) =>
      line([row[0], nameOf(row), ...metrics.map((metric) => row[column(metric)]), row[column('status')]]),
    ),
  ].join('\n');
}

/** A trial's name as its run has it: what it varies (`lr=0.0002`). */
function trialName(trial: TrialRecord): string {
  const differences = Object.entries(trial.values);
  return differences.length > 0 ? runName('', differences) : `trial ${trial.index}`;
}

import { runName, shortPath, valueText } from '../config/settings.js';
import { SEED_SETTING } from '../core/seed-groups.js';
import { comparesSeeds, configurations, meanOf, sweptSeeds } from './configurations.js';
import type { SweepRecord, TrialRecord } from './record.js';

/** The trials that have the sweep's metric as a finite number, best first. */
export function rankTrials(record: SweepRecord): { trial: TrialRecord; value: number }[] {
  const sign = record.mode === 'max' ? -1 : 1;
  return record.trials
    .map((trial) => ({ trial, value: Number(trial.metrics?.[record.metric]) }))
    .filter(({ trial, value }) => trial.status === 'FINISHED' && Number.isFinite(value))
    .sort((a, b) => sign * (a.value - b.value));
}

/** Every trial: the ranked ones best first, then the rest in trial order. */
export function trialsInRankOrder(record: SweepRecord): TrialRecord[] {
  const ranked = rankTrials(record).map(({ trial }) => trial);
  return [...ranked, ...record.trials.filter((trial) => !ranked.includes(trial))];
}

/** Shown beside the ranking metric when the trials have them: what an evaluation says of the samples. */
const SAMPLE_METRICS = ['fid', 'class_accuracy'];

/** A column of the comparison: its name in trials.csv, its heading in the printed table; `id` columns are not printed. */
export interface ComparisonColumn {
  name: string;
  heading: string;
  id?: boolean;
}

/** The sweep's comparison as trials.csv and the printed table have it (see trialComparison, seedComparison). */
export interface Comparison {
  columns: ComparisonColumn[];
  rows: string[][];
}

/** Per configuration when the sweep runs configurations on several seeds, else per trial. */
export function comparison(record: SweepRecord): Comparison {
  return comparesSeeds(record) ? seedComparison(record) : trialComparison(record);
}

/** The sample metrics shown beside the ranking metric: those some trial has. */
export function sampleMetrics(record: SweepRecord): string[] {
  return SAMPLE_METRICS.filter(
    (key) => key !== record.metric && record.trials.some((t) => t.metrics?.[key] !== undefined),
  );
}

/**
 * One row per trial, ranked ones first: the swept values, the status, the metric that ranks them and the sample
 * metrics (FID, class accuracy), and its run by name (and id: an MLflow server's runs are found by it).
 */
function trialComparison(record: SweepRecord): Comparison {
  const paths = sweptPaths(record);
  const metrics = [record.metric, ...sampleMetrics(record)];
  const ranked = rankTrials(record);
  const order = trialsInRankOrder(record);
  return {
    columns: [
      ...named(['rank', 'trial']),
      ...paths.map((path) => ({ name: path, heading: shortPath(path, paths) })),
      ...named(['status', ...metrics, 'run']),
      { name: 'run_id', heading: 'run_id', id: true },
    ],
    rows: order.map((trial) => {
      const rank = ranked.findIndex((r) => r.trial === trial);
      return [
        rank < 0 ? '-' : String(rank + 1),
        String(trial.index),
        ...paths.map((path) => valueText(trial.values[path])),
        trial.status,
        ...metrics.map((key) => formatValue(trial.metrics?.[key])),
        trial.runId || trial.runDir ? trialName(trial) : '',
        trial.runId ?? '',
      ];
    }),
  };
}

/**
 * One row per configuration, ranked by the mean of the metric over its seeds: what it sets, how many of its trials
 * finished, the mean, the spread (sample sd) and each seed's value, the sample metrics' means, and its best trial.
 */
function seedComparison(record: SweepRecord): Comparison {
  const paths = sweptPaths(record).filter((path) => path !== SEED_SETTING);
  const seeds = sweptSeeds(record);
  const samples = sampleMetrics(record);
  const metric = record.metric;
  return {
    columns: [
      ...named(['rank']),
      ...paths.map((path) => ({ name: path, heading: shortPath(path, paths) })),
      { name: 'finished', heading: 'done' },
      { name: `${metric} mean`, heading: `${metric} mean` },
      { name: `${metric} sd`, heading: 'sd' },
      ...seeds.map((seed) => ({ name: `${metric} seed=${seed}`, heading: `seed=${seed}` })),
      ...samples.map((key) => ({ name: `${key} mean`, heading: `${key} mean` })),
      ...named(['best run']),
      { name: 'best run_id', heading: 'best run_id', id: true },
    ],
    rows: configurations(record).map(({ group, values, bySeed, best }, i) => {
      const finished = group.members.filter((t) => t.status === 'FINISHED');
      return [
        group.mean === undefined ? '-' : String(i + 1),
        ...paths.map((path) => valueAt(values, path)),
        `${finished.length}/${group.members.length}`,
        formatValue(group.mean),
        formatSpread(group.spread),
        ...seeds.map((seed) => seedCell(record, bySeed.get(seed))),
        ...samples.map((key) => formatValue(meanOf(group.members, key))),
        best ? trialName(best) : '',
        best?.runId ?? '',
      ];
    }),
  };
}

/** A seed's value of the metric, or what became of its trial. */
function seedCell(record: SweepRecord, trial: TrialRecord | undefined): string {
  if (!trial) return '';
  if (trial.status !== 'FINISHED') return trial.status.toLowerCase();
  return formatValue(trial.metrics?.[record.metric]);
}

export function comparisonCsv(record: SweepRecord): string {
  const { columns, rows } = comparison(record);
  const cell = (text: string) => (/[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
  return `${[columns.map((column) => column.name), ...rows].map((row) => row.map(cell).join(',')).join('\n')}\n`;
}

/** A trial's name as its run has it: what it varies (`lr=0.0002`, `loss=lsgan seed=1`). */
export function trialName(trial: TrialRecord): string {
  const differences = Object.entries(trial.values);
  return differences.length > 0 ? runName('', differences) : `trial ${trial.index}`;
}

/** A number to five significant digits; text (a diverged `NaN`) as it is; nothing as an empty cell. */
export function formatValue(value: number | string | undefined): string {
  if (value === undefined) return '';
  return String(typeof value === 'number' ? Number(value.toPrecision(5)) : value);
}

/** A spread to three significant digits: its last digits say nothing. */
export function formatSpread(value: number | undefined): string {
  return value === undefined ? '' : String(Number(value.toPrecision(3)));
}

function sweptPaths(record: SweepRecord): string[] {
  return [...new Set(record.trials.flatMap((trial) => Object.keys(trial.values)))];
}

function valueAt(values: [string, unknown][], path: string): string {
  const found = values.find(([key]) => key === path);
  return found ? String(found[1]) : '';
}

function named(names: string[]): ComparisonColumn[] {
  return names.map((name) => ({ name, heading: name }));
}

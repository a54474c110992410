import { shortPath } from '../config/settings.js';
import type { RunSummary } from '../tracking/store-reader.js';
import { formatTable } from './table.js';

/** Shown when no param differs between the runs listed. */
const DEFAULT_PARAMS = ['model.type', 'loss.type', 'train.optimizer.g.lr'];
/** The metrics a GAN run is compared by, in this order, ahead of the rest. */
const KEY_METRICS = ['fid', 'class_accuracy', 'mnist_score', 'kid', 'd_loss', 'g_loss'];
/** The first of these the runs have ranks them (a loss says little of the samples: losses do not rank). */
const RANKING = ['fid', 'class_accuracy', 'mnist_score', 'kid'];
const LOWER_IS_BETTER = new Set(['fid', 'kid']);
/** A terminal's width the table keeps to unless asked for every column. */
export const TABLE_WIDTH = 120;
const MAX_NAME = 32;
const MAX_VALUE = 16;

export interface RunsTable {
  text: string;
  /** What the table leaves out: the metrics every run has the same value of, and the columns cut to fit. */
  notes: string[];
}

/**
 * The runs as a table a terminal shows whole: run, experiment, status, start, the params that differ, then the key
 * metrics (FID, class accuracy, the losses) and the others; ranked by the first evaluation metric the runs have
 * (runs without it last, newest first among equals), else newest first. Metrics the same in every run are folded into a note; columns that
 * do not fit `TABLE_WIDTH` are left out (named in a note) unless `wide`.
 */
export function runsTable(runs: readonly RunSummary[], wide: boolean): RunsTable {
  const params = keyParams(runs);
  const { shown: metrics, constant } = metricColumns(runs);
  const ranking = RANKING.find((key) => metrics.includes(key));
  const ordered = ranking ? rank(runs, ranking) : [...runs];
  // A param by the shortest end of its path that tells it from the others (lr, loss), as run names say it.
  const paramHeaders = wide ? params : params.map((key) => shortPath(key, params));
  const header = ['run', 'experiment', 'status', 'started', ...paramHeaders, ...metrics];
  const rows = ordered.map((run) => [
    wide ? run.runName : shorten(run.runName, MAX_NAME),
    run.experiment,
    run.status,
    new Date(run.startTime).toISOString().slice(0, 16).replace('T', ' '),
    ...params.map((key) => (wide ? (run.params[key] ?? '') : shorten(run.params[key] ?? '', MAX_VALUE))),
    ...metrics.map((key) => (run.metrics[key] === undefined ? '' : format(run.metrics[key]))),
  ]);
  const notes: string[] = [];
  if (constant.length > 0)
    notes.push(`same in every run: ${constant.map(([key, value]) => `${key} ${format(value)}`).join(', ')}`);
  let columns = header.length;
  const table = (count: number) => formatTable([header, ...rows].map((row) => row.slice(0, count)));
  while (!wide && columns > 4 && widest(table(columns)) > TABLE_WIDTH) columns--;
  if (columns < header.length)
    notes.push(`left out to fit ${TABLE_WIDTH} columns: ${header.slice(columns).join(', ')} (--wide shows them)`);
  if (ranking) notes.push(`ranked by ${ranking} (${LOWER_IS_BETTER.has(ranking) ? 'lower' : 'higher'} is better)`);
  return { text: table(columns), notes };
}

function keyParams(runs: readonly RunSummary[]): string[] {
  const keys = [...new Set(runs.flatMap((run) => Object.keys(run.params)))].sort();
  // Runs without the key (a sweep's parent) do not make it differ.
  const differing = keys.filter(
    (key) => new Set(runs.map((run) => run.params[key]).filter((v) => v !== undefined)).size > 1,
  );
  return differing.length > 0 ? differing : DEFAULT_PARAMS;
}

/** The key metrics first, then what is not a per-step training figure (d_*, g_*); constants apart. */
function metricColumns(runs: readonly RunSummary[]) {
  const keys = new Set(runs.flatMap((run) => Object.keys(run.metrics)));
  const all = [
    ...KEY_METRICS.filter((key) => keys.has(key)),
    ...[...keys].filter((key) => !KEY_METRICS.includes(key) && !/^[dg]_/.test(key)).sort(),
  ];
  const valuesOf = (key: string) => runs.map((run) => run.metrics[key]).filter((v) => v !== undefined);
  // With two runs or more, a metric every run has the same value of says nothing about which is better.
  const isConstant = (key: string) =>
    runs.length > 1 && valuesOf(key).length === runs.length && new Set(valuesOf(key)).size === 1;
  return {
    shown: all.filter((key) => !isConstant(key)),
    constant: all.filter(isConstant).map((key): [string, number] => [key, valuesOf(key)[0]]),
  };
}

function rank(runs: readonly RunSummary[], metric: string): RunSummary[] {
  const sign = LOWER_IS_BETTER.has(metric) ? 1 : -1;
  const value = (run: RunSummary) => run.metrics[metric];
  return runs
    .map((run, order) => ({ run, order }))
    .sort((a, b) => {
      const [x, y] = [value(a.run), value(b.run)];
      const [hasX, hasY] = [Number.isFinite(x), Number.isFinite(y)];
      if (hasX !== hasY) return hasX ? -1 : 1;
      return hasX && x !== y ? sign * (x - y) : a.order - b.order;
    })
    .map(({ run }) => run);
}

function shorten(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

function widest(text: string): number {
  return Math.max(...text.split('\n').map((line) => [...line].length));
}

function format(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(4))) : String(value);
}

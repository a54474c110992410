import { metricValues } from '../registry/metrics/index.js';

/** A point of a metric's curve. */
export interface CurvePoint {
  step: number;
  value: number;
}

/** A sample grid as G drew it at a step: the PNG's bytes, as the run folder or the MLflow store holds them. */
export interface Grid {
  step: number;
  png: Uint8Array;
}

/** One run as a report shows it, wherever it was read from (a run folder, a sweep's trial, an MLflow store). */
export interface ReportRun {
  /** The MLflow run's name (`quickstart lr=0.0002`), else the run folder's. */
  name: string;
  /** What tells the run apart when it is reached twice: its run folder's id, or its MLflow run id. */
  id?: string;
  /** Its page in the MLflow UI, when it was recorded on a server (the server's address without a login). */
  link?: string;
  status: string;
  /** The experiment's settings, as MLflow params: dotted paths to text. */
  settings: Record<string, string>;
  /** Per metric, its points in step order: the losses every step, the evaluation's metrics when evaluated. */
  curves: Record<string, CurvePoint[]>;
  /** Its sample grids in step order; the last is the final one. */
  grids: Grid[];
  /** The real-data floor, by the metric it is a floor of (`real_fid` as `fid`): a reference line in that chart. */
  floor?: Record<string, number>;
}

/** What a report shows: runs side by side, and how a sweep ranked them. */
export interface Report {
  title: string;
  /** One line under the title (where the runs came from). */
  subtitle: string;
  runs: ReportRun[];
  /** A sweep's ranking: the metric, and whether lower is better. */
  ranking?: { metric: string; mode: 'min' | 'max' };
}

/** The metrics a report charts, in this order, when a run has them: the charted evaluation values, then the losses. */
export const CHARTED_METRICS = [
  ...metricValues.filter((value) => value.charted).map((value) => value.key),
  'g_loss',
  'd_loss',
];

/** The metrics read into a report: the charted ones, then the other evaluation values (for the table) by name. */
export const REPORTED_METRICS = [
  ...CHARTED_METRICS,
  ...metricValues
    .filter((value) => !value.charted)
    .map((value) => value.key)
    .sort(),
];

import type { Comparison } from './configurations.js';
import type { CurvePoint } from './report-run.js';

/** A point of a configuration's curve over its seeds: the mean, and the least and greatest seed's value. */
export interface BandPoint extends CurvePoint {
  low: number;
  high: number;
}

/** One line of a chart: a run's curve, or a configuration's mean over its seeds with the band they span. */
export interface Series {
  label: string;
  colour: string;
  points: CurvePoint[];
  /** Over two or more seeds: min..max of the seeds at each step. */
  band?: BandPoint[];
}

/** A loss is logged every step: a chart draws at most this many points per line (means of equal spans of steps). */
const MAX_POINTS = 300;

/** The lines of a metric's chart, a configuration each, in the comparison's order and colours. */
export function seriesOf(metric: string, comparison: Comparison, colours: readonly string[]): Series[] {
  const series: Series[] = [];
  comparison.configurations.forEach(({ name, runs }, i) => {
    const curves = runs.map((run) => run.curves[metric] ?? []).filter((curve) => curve.length > 0);
    if (curves.length === 0) return;
    const label = `${i + 1}. ${name}${runs.length > 1 ? ` (${curves.length} seeds)` : ''}`;
    if (runs.length === 1) {
      series.push({ label, colour: colours[i], points: thin(curves[0]) });
      return;
    }
    const band = thin(acrossSeeds(curves));
    series.push({ label, colour: colours[i], points: band.map(({ step, value }) => ({ step, value })), band });
  });
  return series;
}

/** At each step any seed logged: the mean of the seeds that logged it, and their least and greatest value. */
function acrossSeeds(curves: readonly CurvePoint[][]): BandPoint[] {
  const byStep = new Map<number, number[]>();
  for (const curve of curves)
    for (const { step, value } of curve) byStep.set(step, [...(byStep.get(step) ?? []), value]);
  return [...byStep.entries()]
    .sort(([a], [b]) => a - b)
    .map(([step, values]) => ({
      step,
      value: values.reduce((sum, value) => sum + value, 0) / values.length,
      low: Math.min(...values),
      high: Math.max(...values),
    }));
}

/** At most MAX_POINTS points: each the mean of an equal span of steps (the last point is the last step's). */
function thin<P extends CurvePoint & { low?: number; high?: number }>(points: readonly P[]): P[] {
  if (points.length <= MAX_POINTS) return [...points];
  const span = Math.ceil(points.length / MAX_POINTS);
  const thinned: P[] = [];
  for (let start = 0; start < points.length; start += span) {
    const chunk = points.slice(start, start + span);
    const mean = (of: (point: P) => number | undefined) =>
      chunk.reduce((sum, point) => sum + (of(point) ?? 0), 0) / chunk.length;
    const last = chunk[chunk.length - 1];
    const band = last.low !== undefined && { low: mean((point) => point.low), high: mean((point) => point.high) };
    thinned.push({ ...last, value: mean((point) => point.value), ...band });
  }
  return thinned;
}

import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { CurvePoint, ReportRun } from './report-run.js';

/** Tableau's ten colours (Vega's default scheme): run i has colour i in every chart, caption and table row. */
export const RUN_COLOURS = [
  '#4c78a8',
  '#f58518',
  '#e45756',
  '#72b7b2',
  '#54a24b',
  '#eeca3b',
  '#b279a2',
  '#ff9da6',
  '#9d755d',
  '#bab0ac',
];

export function runColour(index: number): string {
  return RUN_COLOURS[index % RUN_COLOURS.length];
}

/** How each charted metric is titled, and which way is better. */
const TITLES: Record<string, string> = {
  fid: 'FID (lower is better)',
  class_accuracy: 'Class accuracy (higher is better)',
  g_loss: 'Generator loss',
  d_loss: 'Discriminator loss',
};

/** A loss is logged every step: a chart draws at most this many points per run (means of equal spans of steps). */
const MAX_POINTS = 300;

/**
 * One metric of every run that has it, as overlaid lines drawn by Vega-Lite and rendered to SVG here, in Node: the
 * page needs no script and no network to show it. Undefined when no run has the metric.
 */
export async function metricChart(metric: string, runs: readonly ReportRun[]): Promise<string | undefined> {
  const values = runs.flatMap((run, index) =>
    thin(run.curves[metric] ?? []).map(({ step, value }) => ({ step, value, run: `${index + 1}. ${run.name}` })),
  );
  if (values.length === 0) return undefined;
  const evaluated = !metric.endsWith('_loss');
  const spec: TopLevelSpec = {
    width: 380,
    height: 200,
    title: TITLES[metric] ?? metric,
    data: { values },
    mark: { type: 'line', point: evaluated, strokeWidth: 1.5 },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'generator step' },
      y: { field: 'value', type: 'quantitative', title: metric, scale: { zero: false } },
      color: {
        field: 'run',
        type: 'nominal',
        scale: { domain: runs.map((run, i) => `${i + 1}. ${run.name}`), range: runs.map((_, i) => runColour(i)) },
        legend: null,
      },
    },
    config: { font: 'sans-serif', view: { stroke: '#ddd' } },
  };
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** At most MAX_POINTS points: each the mean of an equal span of steps (the last point is the last step's). */
function thin(points: readonly CurvePoint[]): CurvePoint[] {
  if (points.length <= MAX_POINTS) return [...points];
  const span = Math.ceil(points.length / MAX_POINTS);
  const thinned: CurvePoint[] = [];
  for (let start = 0; start < points.length; start += span) {
    const chunk = points.slice(start, start + span);
    const mean = chunk.reduce((sum, point) => sum + point.value, 0) / chunk.length;
    thinned.push({ step: chunk[chunk.length - 1].step, value: mean });
  }
  return thinned;
}

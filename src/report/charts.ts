import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { yScaleFor } from './chart-scale.js';
import type { Series } from './chart-series.js';

/** Tableau's ten colours (Vega's default scheme): configuration i has colour i in every chart, caption and row. */
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

const WIDTH = 380;
const HEIGHT = 200;

/** A symmetric log axis's ticks: 0 and ±constant·10^k within the values (Vega's own crowd together). */
function symlogTicks(series: readonly Series[], floor: readonly number[], constant: number): number[] {
  const values = [...series.flatMap((line) => line.points.map((point) => point.value)), ...floor];
  const [low, high] = [Math.min(...values), Math.max(...values)];
  const ticks = low <= 0 && high >= 0 ? [0] : [];
  for (let tick = constant; tick <= Math.max(-low, high); tick *= 10) {
    if (tick <= high) ticks.push(tick);
    if (-tick >= low) ticks.unshift(-tick);
  }
  return ticks;
}

/**
 * What the page's script needs to draw over a chart (hover values, smoothed lines, the slider's step): where the
 * plot sits in the SVG, its scales as Vega drew them, and the lines' points as [step, value].
 */
export interface ChartData {
  metric: string;
  plot: { left: number; top: number; width: number; height: number };
  x: { domain: number[] };
  y: { type: string; domain: number[]; constant?: number };
  series: { label: string; colour: string; points: [number, number][] }[];
}

/**
 * One metric's lines, drawn by Vega-Lite and rendered to SVG here, in Node: the page shows them with no script and
 * no network. A legend under the plot, a band over the seeds of a configuration, the real-data floor as a dashed
 * line. Undefined when no line has the metric.
 */
export async function metricChart(
  metric: string,
  series: readonly Series[],
  floor: readonly number[] = [],
): Promise<{ svg: string; data: ChartData } | undefined> {
  if (series.length === 0) return undefined;
  const scale = yScaleFor([...series.map((line) => line.points.map((point) => point.value)), [...floor]]);
  const y = {
    type: 'quantitative',
    title: metric,
    scale: scale.type === 'log' ? scale : { ...scale, zero: false },
    ...(scale.type === 'symlog' && { axis: { values: symlogTicks(series, floor, scale.constant), format: '~g' } }),
  } as const;
  const x = { field: 'step', type: 'quantitative', title: 'generator step' } as const;
  const colour = {
    field: 'line',
    type: 'nominal',
    scale: { domain: series.map((line) => line.label), range: series.map((line) => line.colour) },
    // Every layer the same legend, which Vega-Lite merges into one (a layer without one would drop it).
    legend: { orient: 'bottom', direction: 'vertical', title: null, labelLimit: WIDTH, symbolOpacity: 1 },
  } as const;
  const lines = series.flatMap((line) => line.points.map(({ step, value }) => ({ step, value, line: line.label })));
  const bands = series.flatMap((line) => (line.band ?? []).map((point) => ({ ...point, line: line.label })));
  const spec: TopLevelSpec = {
    width: WIDTH,
    height: HEIGHT,
    title: TITLES[metric] ?? metric,
    layer: [
      ...(bands.length === 0
        ? []
        : [
            {
              data: { values: bands },
              mark: { type: 'area', opacity: 0.18 },
              encoding: { x, y: { ...y, field: 'low' }, y2: { field: 'high' }, color: colour },
            } as const,
          ]),
      {
        data: { values: lines },
        mark: { type: 'line', point: !metric.endsWith('_loss'), strokeWidth: 1.5 },
        encoding: {
          x,
          y: { ...y, field: 'value' },
          color: colour,
        },
      },
      ...floor.map(
        (value) =>
          ({
            data: { values: [{ floor: value }] },
            layer: [
              { mark: { type: 'rule', strokeDash: [5, 4], color: '#555' }, encoding: { y: { ...y, field: 'floor' } } },
              {
                mark: { type: 'text', align: 'left', dx: 4, dy: -6, x: 0, color: '#555', fontSize: 10 },
                encoding: { y: { ...y, field: 'floor' }, text: { value: `real data ${Number(value.toPrecision(4))}` } },
              },
            ],
          }) as const,
      ),
    ],
    config: { font: 'sans-serif', view: { stroke: '#ddd' } },
  } as TopLevelSpec;
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    // The root group's translation is where the plot's top left corner is (a single view: nothing beside it).
    const [left, top] = (/transform="translate\(([-\d.]+),([-\d.]+)\)"/.exec(svg) ?? []).slice(1).map(Number);
    const yScale = view.scale('y');
    return {
      svg,
      data: {
        metric,
        plot: { left: left ?? 0, top: top ?? 0, width: WIDTH, height: HEIGHT },
        x: { domain: view.scale('x').domain() },
        y: {
          type: scale.type,
          domain: yScale.domain(),
          constant: scale.type === 'symlog' ? scale.constant : undefined,
        },
        series: series.map(({ label, colour: lineColour, points }) => ({
          label,
          colour: lineColour,
          points: points.map(({ step, value }) => [step, Number(value.toPrecision(5))]),
        })),
      },
    };
  } finally {
    view.finalize();
  }
}

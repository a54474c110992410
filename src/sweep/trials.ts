import type { SweepConfig, SweepValues } from '../config/experiment.js';
import { SEED_SETTING } from '../core/seed-groups.js';
import { GxError } from '../errors.js';
import { createRandom, deriveSeed } from '../random.js';

/** One point of a sweep: a value for each swept path (dotted, as in `--set`). */
export interface Trial {
  /** 1-based, in the order the trials run. */
  index: number;
  values: Record<string, unknown>;
}

/**
 * The trials a sweep spec names. grid: every combination of the listed values (the first parameter varies
 * slowest). random: `count` draws, each value uniform from its list or range, log-uniform for `scale: log` (the
 * usual prior for learning rates), seeded by `seed`. A `tie` takes another swept path's value in the same trial.
 * Seeds (`seeds: N` from `experimentSeed` on, or a `seed` parameter's list) are never drawn: every configuration
 * runs on each seed, all of them on the first seed before any on the next, so a sweep stopped early has compared
 * them on the same seeds.
 */
export function expandTrials(sweep: SweepConfig, experimentSeed = 0): Trial[] {
  const seeds = seedsOf(sweep, experimentSeed);
  const entries = Object.entries(sweep.parameters).filter(([path]) => path !== SEED_SETTING);
  const free = entries.filter(([, spec]) => !isTie(spec));
  let points: Record<string, unknown>[];
  if (sweep.method === 'grid') {
    points = [{}];
    for (const [path, spec] of free) {
      if (!Array.isArray(spec)) {
        throw invalid(`sweep.parameters.${path}: a range needs method: random (a grid takes lists of values)`);
      }
      points = points.flatMap((point) => spec.map((value) => ({ ...point, [path]: value })));
    }
  } else {
    if (sweep.count === undefined) throw invalid('sweep.count: method random needs the number of trials to draw');
    const random = createRandom(deriveSeed(sweep.seed, 'sweep'));
    points = Array.from({ length: sweep.count }, () =>
      Object.fromEntries(free.map(([path, spec]) => [path, draw(path, spec, random.next)])),
    );
  }
  const configurations = points.map((point) => withTies(point, entries));
  if (seeds === undefined && entries.length === 0) {
    throw new GxError('SWEEP_EMPTY', 'the sweep has no parameters', 'add one (--param path=v1,v2) or --seeds N');
  }
  const trials = seeds
    ? seeds.flatMap((seed) => configurations.map((values) => ({ ...values, seed })))
    : configurations;
  return trials.map((values, i) => ({ index: i + 1, values }));
}

/** The seeds every configuration runs on: `seeds: N` counts up from the experiment's seed; a `seed` parameter lists them. */
function seedsOf(sweep: SweepConfig, experimentSeed: number): unknown[] | undefined {
  const listed = sweep.parameters[SEED_SETTING];
  if (listed !== undefined && sweep.seeds !== undefined) {
    throw invalid('sweep.seeds and a seed parameter both name the seeds: keep one');
  }
  if (listed !== undefined && !Array.isArray(listed)) {
    throw invalid('sweep.parameters.seed: seeds are a list (every configuration runs on each), e.g. seed=0,1,2');
  }
  if (sweep.seeds === undefined || sweep.seeds === 1) return listed as unknown[] | undefined;
  return Array.from({ length: sweep.seeds }, (_, i) => experimentSeed + i);
}

function draw(path: string, spec: SweepValues, uniform: () => number): unknown {
  if (Array.isArray(spec)) return spec[Math.floor(uniform() * spec.length)];
  const { min, max, scale } = spec as { min: number; max: number; scale?: string };
  if (!(min < max)) throw invalid(`sweep.parameters.${path}: min (${min}) must be below max (${max})`);
  if (scale !== 'log') return min + uniform() * (max - min);
  if (min <= 0) throw invalid(`sweep.parameters.${path}: a log scale needs min > 0, got ${min}`);
  return Math.exp(Math.log(min) + uniform() * (Math.log(max) - Math.log(min)));
}

function withTies(point: Record<string, unknown>, entries: [string, SweepValues][]): Record<string, unknown> {
  const values = { ...point };
  for (const [path, spec] of entries) {
    if (!isTie(spec)) continue;
    if (!(spec.tie in point)) {
      throw invalid(`sweep.parameters.${path}: tie "${spec.tie}" is not a swept parameter (a tie follows one)`);
    }
    values[path] = point[spec.tie];
  }
  return values;
}

function isTie(spec: SweepValues): spec is { tie: string } {
  return typeof spec === 'object' && spec !== null && 'tie' in spec;
}

function invalid(message: string): GxError {
  return new GxError('SWEEP_INVALID', message, 'see `gx sweep --help` for lists, ranges and ties');
}

/**
 * A `--param path=VALUES` as the `--set` that puts it in the experiment's sweep: `a,b,c` a list, `min..max` a
 * range, `log:min..max` a log-uniform range, `@other.path` a tie.
 */
export function paramAsOverride(expression: string): string {
  const equals = expression.indexOf('=');
  if (equals <= 0) {
    throw new GxError(
      'USAGE',
      `--param ${expression}: write it as path=values`,
      'e.g. --param train.optimizer.g.lr=1e-4,2e-4 or --param train.optimizer.g.lr=log:1e-5..1e-3',
    );
  }
  const [path, text] = [expression.slice(0, equals).trim(), expression.slice(equals + 1).trim()];
  const range = /^(log:)?([^.][^,]*?)\.\.([^,]+)$/.exec(text);
  const spec = text.startsWith('@')
    ? `{tie: ${text.slice(1)}}`
    : range
      ? `{min: ${range[2]}, max: ${range[3]}${range[1] ? ', scale: log' : ''}}`
      : `[${text}]`;
  return `sweep.parameters.${path}=${spec}`;
}

/** A trial's name in the sweep's folder: `trial-007` (its run folder, its log, its planned experiment). */
export function trialLabel(index: number): string {
  return `trial-${String(index).padStart(3, '0')}`;
}

import { groupBySeed, rankGroups, SEED_SETTING } from '../core/seed-groups.js';
import { metricValues } from '../registry/metrics/index.js';
import type { Report, ReportRun } from './report-run.js';

/** Runs of one configuration: one run, or the runs of its seeds when the report groups by seed. */
export interface Configuration {
  /** As the legends and the table name it: the first run's name without its seed. */
  name: string;
  runs: ReportRun[];
  /** Grouped by seed: the ranking metric's mean over the seeds, its sample sd (two or more values). */
  mean?: number;
  spread?: number;
}

/** What a report compares: configurations, in the order it shows them, and the metric that ranks them. */
export interface Comparison {
  configurations: Configuration[];
  /** Some configuration has runs on two or more seeds: each row, curve and colour is a configuration. */
  seeded: boolean;
  ranking?: { metric: string; mode: 'min' | 'max' };
}

/**
 * The report's runs as configurations. Runs whose settings are equal apart from `seed` are one configuration; when
 * some configuration has several, the report compares them by the mean over seeds (best first). Otherwise each run
 * is its own configuration, in the report's order.
 */
export function compare(report: Report): Comparison {
  const ranking = report.ranking ?? defaultRanking(report.runs);
  const metricOf = (run: ReportRun) => (ranking ? lastValue(run, ranking.metric) : undefined);
  const groups = groupBySeed(report.runs, (run) => run.settings, metricOf);
  if (groups.every((group) => group.members.length < 2)) {
    return { configurations: report.runs.map((run) => ({ name: run.name, runs: [run] })), seeded: false, ranking };
  }
  const ordered = ranking ? rankGroups(groups, ranking.mode) : groups;
  const configurations = ordered.map((group) => ({
    name: withoutSeed(group.members[0].name),
    runs: group.members,
    mean: group.mean,
    spread: group.spread,
  }));
  return { configurations, seeded: true, ranking };
}

/** A run's last value of a metric. */
export function lastValue(run: ReportRun, metric: string): number | undefined {
  return run.curves[metric]?.at(-1)?.value;
}

/** FID when a run has it: what compares samples best. */
export function defaultRanking(runs: readonly ReportRun[]): Comparison['ranking'] {
  const fid = metricValues.find((value) => value.key === 'fid');
  if (!fid || !runs.some((run) => lastValue(run, fid.key) !== undefined)) return undefined;
  return { metric: fid.key, mode: fid.better === 'higher' ? 'max' : 'min' };
}

/** A run's name with its `seed=...` left out: what its configuration's seeds share. */
function withoutSeed(name: string): string {
  const bare = name
    .split(' ')
    .filter((word) => !word.startsWith(`${SEED_SETTING}=`))
    .join(' ');
  return bare === '' ? name : bare;
}

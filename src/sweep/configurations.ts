import { groupBySeed, rankGroups, SEED_SETTING, type SeedGroup } from '../core/seed-groups.js';
import type { SweepRecord, TrialRecord } from './record.js';

/** A configuration of a sweep run on several seeds: its trials, and what they give of the ranking metric. */
export interface Configuration {
  group: SeedGroup<TrialRecord>;
  /** What it sets, as its trials' values without the seed, in the sweep's order of paths. */
  values: [string, unknown][];
  /** Its trial on each seed, by the seed as text. */
  bySeed: Map<string, TrialRecord>;
  /** Its finished trial with the best value of the metric. */
  best?: TrialRecord;
}

/** A trial's value of the sweep's metric, when it finished with one. */
export function metricOf(record: SweepRecord, trial: TrialRecord): number | undefined {
  const value = Number(trial.metrics?.[record.metric]);
  return trial.status === 'FINISHED' && Number.isFinite(value) ? value : undefined;
}

/** The seeds the sweep runs each configuration on, in trial order; empty when it does not sweep the seed. */
export function sweptSeeds(record: SweepRecord): string[] {
  return [
    ...new Set(
      record.trials.filter((trial) => SEED_SETTING in trial.values).map((t) => String(t.values[SEED_SETTING])),
    ),
  ];
}

/** Whether the sweep compares configurations over seeds: it sweeps the seed and runs a configuration on two or more. */
export function comparesSeeds(record: SweepRecord): boolean {
  return sweptSeeds(record).length > 1 && configurations(record).some((c) => c.group.members.length > 1);
}

/** The sweep's configurations ranked by the mean of the metric over their seeds (best first), then those without. */
export function configurations(record: SweepRecord): Configuration[] {
  const groups = groupBySeed(
    record.trials,
    (trial) => trial.values,
    (trial) => metricOf(record, trial),
  );
  const sign = record.mode === 'max' ? -1 : 1;
  return rankGroups(groups, record.mode).map((group) => {
    const scored = group.members.filter((trial) => metricOf(record, trial) !== undefined);
    const best = scored.sort((a, b) => sign * ((metricOf(record, a) as number) - (metricOf(record, b) as number)))[0];
    const bySeed = new Map<string, TrialRecord>();
    for (const trial of group.members) {
      const seed = String(trial.values[SEED_SETTING]);
      if (!bySeed.has(seed)) bySeed.set(seed, trial);
    }
    const values = Object.entries(group.members[0].values).filter(([path]) => path !== SEED_SETTING);
    return { group, values, bySeed, best };
  });
}

/** The mean of a metric over the trials that finished with it (a sample metric beside the ranking one). */
export function meanOf(trials: readonly TrialRecord[], key: string): number | undefined {
  const values = trials
    .filter((trial) => trial.status === 'FINISHED')
    .map((trial) => Number(trial.metrics?.[key]))
    .filter(Number.isFinite);
  return values.length > 0 ? values.reduce((sum, value) => sum + value, 0) / values.length : undefined;
}

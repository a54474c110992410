/**
 * Runs of one configuration on several seeds. Lucic et al. (2018) showed that the spread over seeds is as large as
 * the differences between GAN variants, so a sweep, its table and its report compare configurations by the mean
 * over seeds and show the spread beside it.
 */
export interface SeedGroup<T> {
  /** The settings the members share, `seed` left out; a list or an object as JSON. */
  settings: Record<string, string>;
  members: T[];
  /** The members' finite values of the compared metric, in member order. */
  values: number[];
  mean: number | undefined;
  /** Sample standard deviation (n - 1); undefined below two values. */
  spread: number | undefined;
}

/** The setting that tells runs of one configuration apart. */
export const SEED_SETTING = 'seed';

/**
 * Groups items whose settings are equal apart from the seed, in the order each configuration first appears.
 * `metricOf` gives the compared metric of an item (undefined or non-finite: not counted).
 */
export function groupBySeed<T>(
  items: readonly T[],
  settingsOf: (item: T) => Record<string, unknown>,
  metricOf: (item: T) => number | undefined,
): SeedGroup<T>[] {
  const groups = new Map<string, SeedGroup<T>>();
  for (const item of items) {
    const settings = Object.fromEntries(
      Object.entries(settingsOf(item))
        .filter(([key]) => key !== SEED_SETTING)
        .map(
          ([key, value]) =>
            [key, typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)] as const,
        )
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    );
    const key = JSON.stringify(settings);
    const group = groups.get(key) ?? { settings, members: [], values: [], mean: undefined, spread: undefined };
    groups.set(key, group);
    group.members.push(item);
    const value = metricOf(item);
    if (value !== undefined && Number.isFinite(value)) group.values.push(value);
  }
  for (const group of groups.values()) Object.assign(group, meanAndSpread(group.values));
  return [...groups.values()];
}

/** Groups with a mean, best mean first, then those without one. */
export function rankGroups<T>(groups: readonly SeedGroup<T>[], mode: 'min' | 'max'): SeedGroup<T>[] {
  const sign = mode === 'max' ? -1 : 1;
  const scored = groups.filter((group) => group.mean !== undefined);
  return [
    ...scored.sort((a, b) => sign * ((a.mean as number) - (b.mean as number))),
    ...groups.filter((group) => group.mean === undefined),
  ];
}

function meanAndSpread(values: readonly number[]): { mean?: number; spread?: number } {
  if (values.length === 0) return {};
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  if (values.length < 2) return { mean };
  const squares = values.reduce((sum, value) => sum + (value - mean) ** 2, 0);
  return { mean, spread: Math.sqrt(squares / (values.length - 1)) };
}

import type { ResolvedExperiment } from './experiment.js';

/** MLflow keeps run names up to 250 characters. */
const MAX_RUN_NAME = 250;

/**
 * What an experiment sets, as dotted paths to leaf values (`train.optimizer.g.lr`): everything but its name, its
 * description, where it is recorded (tracking) and what a sweep varies (sweep). These are a run's MLflow params;
 * the rest is bookkeeping, kept in tags.
 */
export function settingsOf(experiment: ResolvedExperiment): Record<string, unknown> {
  return flatten(Object.fromEntries(Object.entries(experiment).filter(([key]) => !BOOKKEEPING.includes(key))));
}

/** The sections of an experiment that are not its settings. */
const BOOKKEEPING = ['name', 'description', 'tracking', 'sweep'];

/**
 * The settings given on the command line (`--set` paths, `train.max_steps` for --max-steps) whose values in `run`
 * differ from `file`'s, in the order given: what names a run. The defaults a changed `type` brings are not named,
 * nor is anything outside the settings (tracking.uri may carry a password; a name is shown everywhere).
 */
export function changedSettings(
  file: ResolvedExperiment,
  run: ResolvedExperiment,
  paths: readonly string[],
): [string, unknown][] {
  const valueAt = (experiment: ResolvedExperiment, path: string) =>
    path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], experiment);
  return [...new Set(paths)]
    .filter((path) => !BOOKKEEPING.includes(path.split('.')[0]))
    .filter((path) => JSON.stringify(valueAt(file, path)) !== JSON.stringify(valueAt(run, path)))
    .map((path) => [path, valueAt(run, path)]);
}

/**
 * A run's name: the experiment's, then each setting that differs from its file, by the shortest end of its path
 * that tells it from the others (`quickstart loss=lsgan`, `quickstart lr=0.0002`, `quickstart g.lr=1e-4 d.lr=4e-4`);
 * with an empty name, the settings alone.
 */
export function runName(name: string, differences: readonly (readonly [string, unknown])[]): string {
  const paths = differences.map(([path]) => path);
  const parts = differences.map(([path, value]) => `${shortPath(path, paths)}=${valueText(value)}`);
  const text = [name, ...parts].filter((part) => part !== '').join(' ');
  return text.length > MAX_RUN_NAME ? `${text.slice(0, MAX_RUN_NAME - 3)}...` : text;
}

/** The shortest end of `path` that no other of `paths` ends with; a section's `type` is named by its section. */
export function shortPath(path: string, paths: readonly string[]): string {
  const segments = (p: string) => p.replace(/\.type$/, '').split('.');
  const own = segments(path);
  const others = paths.filter((p) => p !== path).map(segments);
  for (let length = 1; length < own.length; length++) {
    const end = own.slice(-length).join('.');
    if (!others.some((other) => other.slice(-length).join('.') === end)) return end;
  }
  return own.join('.');
}

/** A setting's value as a person reads it: `[translation(ratio=0.125),cutout]` for a list of registry entries. */
export function valueText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(valueText).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const { type, ...options } = value as Record<string, unknown>;
    const pairs = Object.entries(options).map(([key, option]) => `${key}=${valueText(option)}`);
    if (typeof type === 'string') return pairs.length === 0 ? type : `${type}(${pairs.join(', ')})`;
    return `{${Object.entries(value)
      .map(([key, option]) => `${key}: ${valueText(option)}`)
      .join(', ')}}`;
  }
  return String(value);
}

function flatten(value: unknown, prefix = ''): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return Object.assign(
      {},
      ...Object.entries(value).map(([key, child]) => flatten(child, prefix ? `${prefix}.${key}` : key)),
    );
  }
  return { [prefix]: value };
}

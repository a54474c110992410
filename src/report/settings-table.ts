import { SEED_SETTING } from '../core/seed-groups.js';
import { type Comparison, type Configuration, lastValue } from './configurations.js';
import { formatNumber, html, runLink } from './page-text.js';
import { REPORTED_METRICS, type ReportRun } from './report-run.js';

/**
 * The runs' table: a row per configuration, the settings they vary first, then their metrics; the settings they
 * share folded below. Grouped by seed, a row gives the ranking metric's mean, its spread and each seed's value.
 */
export function settingsTables(comparison: Comparison, colours: readonly string[]): string {
  const { configurations, seeded, ranking } = comparison;
  const runs = configurations.flatMap((configuration) => configuration.runs);
  const keys = [...new Set(runs.flatMap((run) => Object.keys(run.settings)))].sort();
  const differing = keys.filter((key) => new Set(runs.map((run) => run.settings[key])).size > 1);
  // What the configurations vary, a column each; the settings only some runs have (a loss's own options) in one
  // cell per row, or a sweep of losses would be dozens of mostly empty columns wide.
  const everywhere = (key: string) => runs.every((run) => key in run.settings);
  const varied = differing.filter((key) => everywhere(key) && !(seeded && key === SEED_SETTING));
  const own = differing.filter((key) => !everywhere(key));
  const common = keys.filter((key) => !differing.includes(key));
  const ranked = ranking?.metric;
  const metrics = [
    ...(ranked ? [ranked] : []),
    ...REPORTED_METRICS.filter((key) => key !== ranked && runs.some((run) => run.curves[key])),
  ];
  const seedColumns = seeded && ranked ? [`${ranked} mean`, 'sd', `${ranked} per seed`] : [];
  const metricColumns = metrics.slice(seedColumns.length > 0 ? 1 : 0);
  const header = [
    '',
    seeded ? 'configuration' : 'run',
    ...varied,
    ...seedColumns,
    ...metricColumns.map((key) => (seeded ? `${key} mean` : `last ${key}`)),
    'status',
    ...(own.length > 0 ? ['own settings'] : []),
  ];
  const rows = configurations.map((configuration, i) => [
    `<span class="swatch" style="background:${colours[i]}"></span>${i + 1}`,
    seeded ? html(configuration.name) : runLink(configuration.runs[0].name, configuration.runs[0].link),
    ...varied.map((key) => html(configuration.runs[0].settings[key] ?? '')),
    ...(seedColumns.length > 0 && ranked ? seedCells(configuration, ranked) : []),
    ...metricColumns.map((key) => formatNumber(mean(configuration.runs, key))),
    html(statuses(configuration.runs)),
    ...(own.length > 0 ? [ownSettings(configuration.runs[0], own)] : []),
  ]);
  const sameRows = common.map((key) => [html(key), html(runs[0]?.settings[key] ?? '')]);
  return `<div class="table-wrap">${table(header.map(breakable), rows, 'runs')}</div>
<details><summary>${common.length} settings the runs share</summary><div class="table-wrap">${table(['setting', 'value'], sameRows, 'shared')}</div></details>`;
}

/** The ranking metric over a configuration's seeds: mean, sample sd, and each seed's value linked to its run. */
function seedCells(configuration: Configuration, metric: string): string[] {
  const each = configuration.runs.map((run) => {
    const seed = `seed ${html(run.settings[SEED_SETTING] ?? '?')}`;
    const value = formatNumber(lastValue(run, metric));
    return `<span class="seed">${runLink(seed, run.link)}: ${value === '' ? '–' : value}</span>`;
  });
  return [formatNumber(configuration.mean), formatNumber(configuration.spread), each.join(' ')];
}

/** A column's name, allowed to wrap after each dot and underscore (`train.optimizer.g.lr`), nowhere else. */
function breakable(name: string): string {
  return html(name).replace(/([._])/g, '$1<wbr>');
}

/** The settings of a run that not every run has, as `key=value` pairs. */
function ownSettings(run: ReportRun, keys: readonly string[]): string {
  const pairs = keys.filter((key) => key in run.settings).map((key) => `${key}=${run.settings[key]}`);
  return `<span class="own">${pairs.map(html).join(' ')}</span>`;
}

/** The mean of the runs' last values of a metric (the one run's value when it is alone). */
function mean(runs: readonly ReportRun[], metric: string): number | undefined {
  const values = runs.flatMap((run) => lastValue(run, metric) ?? []);
  return values.length === 0 ? undefined : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** `FINISHED`, or how many runs ended how when a configuration's seeds did not all end alike. */
function statuses(runs: readonly ReportRun[]): string {
  const counts = new Map<string, number>();
  for (const run of runs) counts.set(run.status, (counts.get(run.status) ?? 0) + 1);
  if (counts.size === 1 && runs.length === 1) return runs[0].status;
  return [...counts.entries()].map(([status, count]) => `${count} ${status}`).join(', ');
}

function table(head: string[], body: string[][], kind: string): string {
  return `<table class="${kind}"><thead><tr>${head.map((cell) => `<th>${cell}</th>`).join('')}</tr></thead><tbody>${body
    .map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

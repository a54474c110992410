import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type Comparison, defaultRanking, lastValue } from './configurations.js';
import type { Report, ReportRun } from './report-run.js';
import { runFromFolder } from './run-folder-runs.js';

/**
 * Run folders side by side, each run once (a folder given twice, by another path or a link, or two copies of one
 * run are the same run), ranked by `ranking` (else FID when the runs have it): the runs with the metric best first,
 * then the others in the order given.
 */
export async function reportFromFolders(folders: readonly string[], ranking?: Comparison['ranking']): Promise<Report> {
  const runs: ReportRun[] = [];
  const seen = new Set<string>();
  for (const folder of folders) {
    const path = await realpath(resolve(folder)).catch(() => resolve(folder));
    if (seen.has(path)) continue;
    const run = await runFromFolder(path);
    seen.add(path);
    if (run.id !== undefined && seen.has(`id:${run.id}`)) continue;
    if (run.id !== undefined) seen.add(`id:${run.id}`);
    runs.push(run);
  }
  const by = ranking ?? defaultRanking(runs);
  const given = runs.length === folders.length ? '' : `, ${folders.length - runs.length} given twice left out`;
  if (!by) return { title: `${runs.length} runs`, subtitle: `in the order given${given}`, runs };
  const sign = by.mode === 'max' ? -1 : 1;
  const scored = runs.filter((run) => Number.isFinite(lastValue(run, by.metric)));
  scored.sort((a, b) => sign * ((lastValue(a, by.metric) as number) - (lastValue(b, by.metric) as number)));
  const unscored = runs.filter((run) => !scored.includes(run));
  const better = by.mode === 'max' ? 'higher' : 'lower';
  const rest = unscored.length === 0 ? '' : `; ${unscored.length} without it after`;
  return {
    title: `${runs.length} runs`,
    subtitle: `ranked by the last ${by.metric} (${better} is better)${rest}${given}`,
    runs: [...scored, ...unscored],
    ranking: by,
  };
}

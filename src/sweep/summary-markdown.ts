import { runName } from '../config/settings.js';
import { markdownTable } from '../core/markdown-table.js';
import { comparesSeeds, configurations, meanOf, metricOf, sweptSeeds } from './configurations.js';
import type { SweepRecord, TrialRecord } from './record.js';
import { formatSpread, formatValue, rankTrials, sampleMetrics, trialName, trialsInRankOrder } from './summary.js';

/**
 * The parent run's description in the MLflow UI (Markdown): the best trial (or configuration, over seeds) with a
 * link to its run, then the ranking as a GFM table, each trial linked to its run; no run ids, so the table fits the
 * description's width.
 */
export function comparisonMarkdown(record: SweepRecord): string {
  const direction = record.mode === 'min' ? 'lower' : 'higher';
  return comparesSeeds(record) ? seedMarkdown(record, direction) : trialMarkdown(record, direction);
}

function trialMarkdown(record: SweepRecord, direction: string): string {
  const metrics = [record.metric, ...sampleMetrics(record)];
  const ranked = rankTrials(record);
  const order = trialsInRankOrder(record);
  const best = ranked[0];
  return [
    `**Sweep ${record.id}**: ${record.trials.length} trials, ranked by \`${record.metric}\` (${direction} is better).`,
    '',
    best
      ? `Best: ${runLink(record, best.trial)}, ${record.metric} ${formatValue(best.value)}.`
      : 'No trial has finished with the metric yet.',
    '',
    ...markdownTable(
      [
        { heading: '#', numeric: true },
        { heading: 'run' },
        ...metrics.map((heading) => ({ heading, numeric: true })),
        { heading: 'status' },
      ],
      order.map((trial) => {
        const rank = ranked.findIndex((r) => r.trial === trial);
        return [
          rank < 0 ? '-' : String(rank + 1),
          runLink(record, trial),
          ...metrics.map((key) => formatValue(trial.metrics?.[key])),
          trial.status,
        ];
      }),
    ),
  ].join('\n');
}

function seedMarkdown(record: SweepRecord, direction: string): string {
  const ranked = configurations(record);
  const seeds = sweptSeeds(record);
  const samples = sampleMetrics(record);
  const metric = record.metric;
  const [first] = ranked;
  const spread = (sd: number | undefined) => (sd === undefined ? '' : ` ± ${formatSpread(sd)}`);
  const best = first?.best
    ? `Best configuration: **${configurationName(first.values)}**, ${metric} ${formatValue(first.group.mean)}${spread(first.group.spread)} over ${first.group.values.length} seeds; its best trial: ${runLink(record, first.best)} (${formatValue(metricOf(record, first.best))}).`
    : 'No trial has finished with the metric yet.';
  return [
    `**Sweep ${record.id}**: ${record.trials.length} trials, ${ranked.length} configurations on ${seeds.length} seeds each, ranked by the mean \`${metric}\` over the seeds (${direction} is better); sd: the sample standard deviation over the seeds.`,
    '',
    best,
    '',
    ...markdownTable(
      [
        { heading: '#', numeric: true },
        { heading: 'configuration' },
        { heading: `${metric} mean`, numeric: true },
        { heading: 'sd', numeric: true },
        ...seeds.map((seed) => ({ heading: `seed ${seed}`, numeric: true })),
        ...samples.map((key) => ({ heading: `${key} mean`, numeric: true })),
        { heading: 'finished', numeric: true },
      ],
      ranked.map(({ group, values, bySeed }, i) => {
        const finished = group.members.filter((t) => t.status === 'FINISHED');
        return [
          group.mean === undefined ? '-' : String(i + 1),
          configurationName(values),
          formatValue(group.mean),
          formatSpread(group.spread),
          ...seeds.map((seed) => seedLink(record, bySeed.get(seed))),
          ...samples.map((key) => formatValue(meanOf(group.members, key))),
          `${finished.length}/${group.members.length}`,
        ];
      }),
    ),
  ].join('\n');
}

/** A seed's value of the metric, linked to its trial's run; or what became of the trial. */
function seedLink(record: SweepRecord, trial: TrialRecord | undefined): string {
  if (!trial) return '';
  if (trial.status !== 'FINISHED') return trial.status.toLowerCase();
  return link(record, formatValue(trial.metrics?.[record.metric]), trial.runId);
}

function configurationName(values: [string, unknown][]): string {
  return values.length > 0 ? runName('', values) : 'the experiment';
}

function runLink(record: SweepRecord, trial: TrialRecord): string {
  return link(record, trialName(trial), trial.runId);
}

function link(record: SweepRecord, text: string, runId: string | undefined): string {
  return runId && record.parent.experimentId !== undefined
    ? `[${text}](#/experiments/${record.parent.experimentId}/runs/${runId})`
    : text;
}

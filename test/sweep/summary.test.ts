import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sweepTable } from '../../src/cli/sweep-table.js';
import { markdownTable } from '../../src/core/markdown-table.js';
import type { SweepRecord, TrialRecord } from '../../src/sweep/record.js';
import { comparisonCsv } from '../../src/sweep/summary.js';
import { comparisonMarkdown } from '../../src/sweep/summary-markdown.js';

/** A finished sweep: each loss on each seed, with the FID it reached (trial 5 failed). */
function sweepOf(fids: Record<string, number[]>, extra: Partial<TrialRecord> = {}): SweepRecord {
  const losses = Object.keys(fids);
  const trials: TrialRecord[] = [0, 1, 2].flatMap((seed) =>
    losses.map((loss, i) => {
      const index = seed * losses.length + i + 1;
      const fid = fids[loss][seed];
      return {
        index,
        values: { 'loss.type': loss, seed },
        status: Number.isNaN(fid) ? 'FAILED' : 'FINISHED',
        runId: `run${index}`,
        metrics: Number.isNaN(fid) ? undefined : { fid, class_accuracy: 0.5 },
        ...extra,
      } satisfies TrialRecord;
    }),
  );
  return {
    id: 'demo-sweep',
    experiment: 'demo.yaml',
    metric: 'fid',
    mode: 'min',
    parent: { store: 'http://mlflow:5000', runId: 'parent', experimentId: '3' },
    trials,
  };
}

describe('sweep summary', () => {
  const record = sweepOf({ standard: [80, 100, 90], lsgan: [70, 60, NaN] });

  it('prints one row per configuration over seeds: mean, sd, each seed, ranked by the mean', () => {
    const { text, notes } = sweepTable(record);
    const lines = text.split('\n');
    assert.match(lines[0], /^rank +loss +done +fid mean +sd +seed=0 +seed=1 +seed=2 +class_accuracy mean +best run$/);
    // lsgan: 70 and 60 (its third seed failed), mean 65, sd 7.07; standard: mean 90, sd 10.
    assert.match(lines[1], /^ +1 +lsgan +2\/3 +65 +7\.07 +70 +60 +failed +0\.5 +loss=lsgan seed=1$/);
    assert.match(lines[2], /^ +2 +standard +3\/3 +90 +10 +80 +100 +90 +0\.5 +loss=standard seed=0$/);
    assert.equal(lines.length, 3);
    assert.deepEqual(notes, []);
  });

  it('writes trials.csv per configuration, with each seed and the best run by name and id', () => {
    const csv = comparisonCsv(record).trim().split('\n');
    assert.deepEqual(csv, [
      'rank,loss.type,finished,fid mean,fid sd,fid seed=0,fid seed=1,fid seed=2,class_accuracy mean,best run,best run_id',
      '1,lsgan,2/3,65,7.07,70,60,failed,0.5,loss=lsgan seed=1,run4',
      '2,standard,3/3,90,10,80,100,90,0.5,loss=standard seed=0,run1',
    ]);
  });

  it("describes the parent run with the best configuration, its best trial's link, and a GFM table", () => {
    const note = comparisonMarkdown(record);
    assert.match(note, /2 configurations on 3 seeds each, ranked by the mean `fid` over the seeds/);
    assert.ok(
      note.includes(
        'Best configuration: **loss=lsgan**, fid 65 ± 7.07 over 2 seeds; its best trial: [loss=lsgan seed=1](#/experiments/3/runs/run4) (60).',
      ),
      note,
    );
    const table = note.split('\n').filter((line) => line.startsWith('|'));
    const cells = (line: string) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.replaceAll('&ensp;', '').trim());
    assert.deepEqual(cells(table[0]), [
      '#',
      'configuration',
      'fid mean',
      'sd',
      'seed 0',
      'seed 1',
      'seed 2',
      'class_accuracy mean',
      'finished',
    ]);
    // The header separator: numbers right-aligned, text left.
    assert.equal(table[1], '|---:|:---|---:|---:|---:|---:|---:|---:|---:|');
    assert.deepEqual(cells(table[2]), [
      '1',
      'loss=lsgan',
      '65',
      '7.07',
      '[70](#/experiments/3/runs/run2)',
      '[60](#/experiments/3/runs/run4)',
      'failed',
      '0.5',
      '2/3',
    ]);
    assert.equal(cells(table[3])[1], 'loss=standard');
    assert.equal(table.length, 4);
  });

  it('keeps one row per trial when each configuration has one seed, runs by name', () => {
    const single: SweepRecord = { ...record, trials: record.trials.filter((t) => t.values.seed === 0) };
    const { text } = sweepTable(single);
    const lines = text.split('\n');
    assert.match(lines[0], /^rank +trial +loss +seed +status +fid +class_accuracy +run$/);
    assert.match(lines[1], /^ +1 +2 +lsgan +0 +FINISHED +70 +0\.5 +loss=lsgan seed=0$/);
    assert.equal(
      comparisonCsv(single).split('\n')[0],
      'rank,trial,loss.type,seed,status,fid,class_accuracy,run,run_id',
    );
    assert.match(
      comparisonMarkdown(single),
      /^Best: \[loss=lsgan seed=0\]\(#\/experiments\/3\/runs\/run2\), fid 70\.$/m,
    );
  });

  it('fits 120 columns: long names cut, columns left out only as a last resort and said so', () => {
    const long = 'x'.repeat(70);
    const wide = sweepOf({ [`standard-${long}`]: [1, 2, 3], [`lsgan-${long}`]: [4, 5, 6] });
    const { text, notes } = sweepTable(wide);
    for (const line of text.split('\n')) assert.ok(line.length <= 120, `${line.length}: ${line}`);
    assert.match(text, /standard-x+…/);
    assert.deepEqual(notes, []);
  });

  it('lines up the numbers of a Markdown column on the right with figure and punctuation spaces', () => {
    const [, separator, ...rows] = markdownTable(
      [{ heading: 'run' }, { heading: 'fid', numeric: true }],
      [
        ['a|b', '123.45'],
        ['c', '[7](#/x)'],
      ],
    );
    assert.equal(separator, '|:---|---:|');
    assert.equal(rows[0], '|&ensp;a\\|b&ensp;|&ensp;123.45&ensp;|');
    assert.equal(rows[1], '|&ensp;c&ensp;|&ensp;\u2007\u2007\u2007\u2007\u2008[7](#/x)&ensp;|');
  });
});

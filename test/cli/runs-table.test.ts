import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runsTable, TABLE_WIDTH } from '../../src/cli/runs-table.js';
import type { RunSummary } from '../../src/tracking/store-reader.js';

/** A sweep's runs as `gx runs` reads them: ~40 params, the floor as old runs logged it (a metric), FID, losses. */
function sweepRuns(): RunSummary[] {
  const shared = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`train.setting_${i}`, String(i)]));
  return ['standard', 'lsgan', 'wgan', 'hinge'].map((loss, i) => ({
    runId: `run${i}`,
    runName: `loss=${loss} a name long enough to be cut short in the table`,
    experiment: 'quickstart',
    status: 'FINISHED',
    startTime: Date.UTC(2026, 0, 1, 12, i),
    params: { ...shared, 'loss.type': loss, 'train.optimizer.g.lr': String(Number((0.0001 * (i + 1)).toPrecision(2))) },
    metrics: {
      fid: [120, 80.5, 300, 95][i],
      class_accuracy: [0.5, 0.7, 0.1, 0.6][i],
      d_loss: -24 + i,
      g_loss: 1 + i,
      real_fid: 3.21,
      classifier_test_accuracy: 0.99,
      kid: 0.01 * (i + 1),
      precision: 0.1 * i,
      recall: 0.2 * i,
      mnist_score: 5 + i,
    },
  }));
}

describe('gx runs table', () => {
  it('fits 120 columns: key metrics first, ranked by FID, constants folded, what is cut named', () => {
    const { text, notes } = runsTable(sweepRuns(), false);
    const lines = text.split('\n');
    for (const line of lines) assert.ok([...line].length <= TABLE_WIDTH, `${[...line].length}: ${line}`);
    const header = lines[0].split(/ {2,}/);
    assert.deepEqual(header.slice(0, 8), [
      'run',
      'experiment',
      'status',
      'started',
      'loss',
      'lr',
      'fid',
      'class_accuracy',
    ]);
    // Ranked by FID, lower first.
    assert.deepEqual(
      lines.slice(1).map((line) => /^loss=(\w+)/.exec(line)?.[1]),
      ['lsgan', 'hinge', 'standard', 'wgan'],
    );
    assert.ok(!text.includes('real_fid') && !text.includes('classifier_test_accuracy'));
    assert.ok(notes.includes('same in every run: classifier_test_accuracy 0.99, real_fid 3.21'), notes.join('\n'));
    assert.ok(notes.some((note) => /^left out to fit 120 columns: .*\(--wide shows them\)$/.test(note)));
    assert.ok(notes.includes('ranked by fid (lower is better)'));
  });

  it('--wide shows every column and whole names', () => {
    const { text } = runsTable(sweepRuns(), true);
    const header = text.split('\n')[0];
    for (const key of ['fid', 'class_accuracy', 'mnist_score', 'kid', 'd_loss', 'g_loss', 'precision', 'recall'])
      assert.match(header, new RegExp(`\\b${key}\\b`));
    assert.ok(text.includes('loss=lsgan a name long enough to be cut short in the table'));
  });

  it('runs without an evaluation keep the newest first', () => {
    const runs = sweepRuns().map((run) => ({ ...run, metrics: { d_loss: run.metrics.d_loss } }));
    const lines = runsTable(runs, false).text.split('\n');
    assert.deepEqual(
      lines.slice(1).map((line) => /^loss=(\w+)/.exec(line)?.[1]),
      ['standard', 'lsgan', 'wgan', 'hinge'],
    );
  });
});

import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { yScaleFor } from '../../src/report/chart-scale.js';
import { seriesOf } from '../../src/report/chart-series.js';
import { compare } from '../../src/report/configurations.js';
import { floorOf } from '../../src/report/floor.js';
import { reportFromFolders } from '../../src/report/folder-report.js';
import type { ReportRun } from '../../src/report/report-run.js';
import { tempDir } from '../helpers/cli.js';
import { writeSeededRunFolders } from './seeded-folders.js';

/** A run with a final FID and the settings given (a 3-point FID curve ending at `fid`). */
function run(name: string, settings: Record<string, string>, fid?: number): ReportRun {
  const curves: ReportRun['curves'] = {};
  if (fid !== undefined) curves.fid = [10, 20, 30].map((step, i) => ({ step, value: fid + (2 - i) }));
  return { name, status: 'FINISHED', settings, curves, grids: [] };
}

describe('what a report compares', () => {
  it('picks a log axis where values span decades, a symmetric log one where they span signs too', () => {
    const near = [1.1, 0.9, 1.3, 0.8];
    assert.deepEqual(yScaleFor([near, [1.2, 1.0, 0.7]]), { type: 'linear' });
    // A WGAN critic's loss of -24 beside losses near 1.
    assert.deepEqual(yScaleFor([near, [-3, -12, -24]]), { type: 'symlog', constant: 1 });
    // An FID falling from 300 beside its real-data floor of 2.
    assert.deepEqual(yScaleFor([[300, 120, 60], [2]]), { type: 'log' });
    assert.deepEqual(yScaleFor([[-5, -6, -7]]), { type: 'linear' });
    assert.deepEqual(yScaleFor([]), { type: 'linear' });
  });

  it("reads a run's real-data floor from floor.json and from its floor.* params", () => {
    const expected = { fid: 2.5, class_accuracy: 0.98 };
    assert.deepEqual(
      floorOf({ network: 'judge', real_fid: 2.5, real_class_accuracy: 0.98, classifier_test_accuracy: 0.99 }),
      expected,
    );
    assert.deepEqual(
      floorOf({ 'floor.real_fid': '2.5', 'floor.real_class_accuracy': '0.98', 'loss.type': 'lsgan' }, 'floor.'),
      expected,
    );
  });

  it('leaves runs of one seed each as they are, in the order given', () => {
    const runs = [run('b', { lr: '1', seed: '1' }, 50), run('a', { lr: '2', seed: '1' }, 40)];
    const comparison = compare({ title: '', subtitle: '', runs });
    assert.equal(comparison.seeded, false);
    assert.deepEqual(
      comparison.configurations.map((configuration) => configuration.name),
      ['b', 'a'],
    );
  });

  it('groups runs equal apart from the seed, ranks them by the mean, and draws the mean with the seeds band', () => {
    const runs = [
      run('x lr=1 seed=1', { lr: '1', seed: '1' }, 40),
      run('x lr=2 seed=1', { lr: '2', seed: '1' }, 30),
      run('x lr=1 seed=2', { lr: '1', seed: '2' }, 44),
      run('x lr=2 seed=2', { lr: '2', seed: '2' }, 36),
    ];
    const comparison = compare({ title: '', subtitle: '', runs, ranking: { metric: 'fid', mode: 'min' } });
    assert.equal(comparison.seeded, true);
    const summary = comparison.configurations.map(({ name, runs, mean, spread }) => ({
      name,
      seeds: runs.map((member) => member.settings.seed),
      mean,
      spread: spread && Number(spread.toFixed(3)),
    }));
    assert.deepEqual(summary, [
      { name: 'x lr=2', seeds: ['1', '2'], mean: 33, spread: 4.243 },
      { name: 'x lr=1', seeds: ['1', '2'], mean: 42, spread: 2.828 },
    ]);
    const [best] = seriesOf('fid', comparison, ['red', 'blue']);
    assert.equal(best.label, '1. x lr=2 (2 seeds)');
    assert.deepEqual(best.points.at(-1), { step: 30, value: 33 });
    assert.deepEqual(best.band?.at(-1), { step: 30, value: 33, low: 30, high: 36 });
  });
});

describe('run folders in a report', () => {
  it('ranks them by FID, best first, each run once however often it is given', async () => {
    const dir = tempDir();
    const [worse, better] = await writeSeededRunFolders(dir, [
      { loss: 'standard', lr: 0.001, width: 2, latent: 8, fids: [50] },
      { loss: 'lsgan', lr: 0.0002, width: 2, latent: 8, fids: [20] },
    ]);
    // The same run again through a link to its folder.
    symlinkSync(better, join(dir, 'again'));
    const report = await reportFromFolders([worse, better, join(dir, 'again')]);
    assert.deepEqual(
      report.runs.map((run) => run.name),
      ['tiny loss=lsgan lr=0.0002 seed=1', 'tiny loss=standard lr=0.001 seed=1'],
    );
    assert.deepEqual(report.ranking, { metric: 'fid', mode: 'min' });
    assert.equal(report.subtitle, 'ranked by the last fid (lower is better), 1 given twice left out');
    assert.deepEqual(report.runs[0].floor, { fid: 1.5, class_accuracy: 0.97 });
  });
});

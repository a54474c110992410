import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { selectBackend } from '../../src/backend/select.js';
import { mnist } from '../../src/data/catalog.js';
import { firstExamples, loadSplit } from '../../src/data/image-set.js';
import { loadClassifier } from '../../src/eval/classifier.js';
import { gx, tempDir } from '../helpers/cli.js';
import { tinyYaml } from '../helpers/experiments.js';

/**
 * A gx cache holding a classifier trained on the first 1000 MNIST images only (seconds, not the minutes of the
 * real one): enough to check that runs are evaluated and recorded, not how well.
 */
async function cacheWithQuickClassifier(): Promise<{ cache: string; accuracy: number }> {
  await selectBackend('wasm');
  const cache = tempDir('gx-cache-');
  const sources = { cacheDir: cache, download: false };
  const test = await loadSplit(mnist, 'test', sources);
  const train = firstExamples(await loadSplit(mnist, 'train', sources), 1000);
  const classifier = await loadClassifier('mnist', 0, cache, { train, test });
  classifier.dispose();
  return { cache, accuracy: classifier.accuracy };
}

describe('evaluation during and after a run', () => {
  let cache: string;
  let accuracy: number;
  before(async () => {
    ({ cache, accuracy } = await cacheWithQuickClassifier());
  });

  it('a classifier trained on 1000 images already tells digits apart', () => {
    assert.ok(accuracy > 0.8, `test accuracy ${accuracy}`);
  });

  it('logs FID, MNIST score, KID, precision/recall and class accuracy per evaluation, and the real-data floor', () => {
    const dir = tempDir();
    const yaml = `${tinyYaml}eval: { every: 1, samples: 100, metrics: [fid, mnist_score, kid, precision_recall, class_accuracy] }\n`;
    writeFileSync(join(dir, 'tiny.yaml'), yaml);
    const result = gx(['run', 'tiny.yaml', '--max-steps', '10', '--backend', 'wasm', '--json'], {
      cwd: dir,
      env: { GX_CACHE_DIR: cache },
    });
    assert.equal(result.status, 0, result.stderr);
    const run = JSON.parse(result.stdout);
    // 8 steps an epoch: evaluated after epoch 1 (step 8) and at the end (step 10).
    const evaluations = readFileSync(join(run.runDir, 'eval.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.deepEqual(
      evaluations.map((e) => e.step),
      [8, 10],
    );
    for (const e of evaluations) {
      assert.ok(e.fid > 0 && Number.isFinite(e.fid));
      assert.ok(e.mnist_score >= 1 && e.mnist_score <= 10);
      assert.ok(e.class_accuracy >= 0 && e.class_accuracy <= 1);
      assert.ok(e.precision >= 0 && e.recall <= 1 && Number.isFinite(e.kid));
    }
    assert.equal(run.metrics.fid, evaluations[1].fid);

    // In MLflow (the local store): each metric with its steps, and the floor at step 0.
    const store = run.tracking.store;
    const experiment = readdirSync(store).find((id) => existsSync(join(store, id, run.tracking.runId))) as string;
    const metric = (key: string) =>
      readFileSync(join(store, experiment, run.tracking.runId, 'metrics', key), 'utf8')
        .trim()
        .split('\n')
        .map((line) => Number(line.split(' ')[2]));
    assert.deepEqual(metric('fid'), [8, 10]);
    assert.deepEqual(metric('class_accuracy'), [8, 10]);
    assert.deepEqual(metric('real_fid'), [0]);
    assert.deepEqual(metric('classifier_test_accuracy'), [0]);

    const later = gx(
      [
        'eval',
        '--run',
        run.runDir,
        '--samples',
        '100',
        '--metrics',
        'fid,class_accuracy',
        '--backend',
        'wasm',
        '--json',
      ],
      {
        cwd: dir,
        env: { GX_CACHE_DIR: cache },
      },
    );
    assert.equal(later.status, 0, later.stderr);
    const { metrics, floor } = JSON.parse(later.stdout);
    assert.deepEqual(Object.keys(metrics).sort(), ['class_accuracy', 'fid']);
    assert.ok(floor.real_fid < metrics.fid, 'real images score better than a 10-step generator');
  });
});

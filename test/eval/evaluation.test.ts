import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../src/backend/select.js';
import { makeBatch } from '../../src/data/batches.js';
import { mnist } from '../../src/data/catalog.js';
import { firstExamples, loadSplit } from '../../src/data/image-set.js';
import type { GxError } from '../../src/errors.js';
import {
  fileSha256,
  loadClassifier,
  readJudgeManifest,
  shippedJudges,
  trainClassifier,
} from '../../src/eval/classifier.js';
import { gx, tempDir } from '../helpers/cli.js';
import { tinyYaml } from '../helpers/experiments.js';

describe("gx's evaluation classifier", () => {
  it('ships for MNIST: its files match judge.json, and it reads the test split at 99% or better', async () => {
    await selectBackend('wasm');
    const folder = join(shippedJudges, 'mnist-lenet-v2');
    const manifest = await readJudgeManifest(folder);
    for (const [file, sum] of Object.entries(manifest.sha256)) assert.equal(await fileSha256(join(folder, file)), sum);
    assert.deepEqual(Object.keys(manifest.sha256).sort(), ['model/model.json', 'model/weights.bin']);

    const cache = tempDir('gx-cache-');
    const sources = { cacheDir: cache, download: false };
    const test = await loadSplit(mnist, 'test', sources);
    const classifier = await loadClassifier('mnist', cache, { train: test, test });
    // Measured here, not read from judge.json: the argmax of its probabilities against the 10,000 test labels.
    const order = Uint32Array.from({ length: test.count }, (_, i) => i);
    let correct = 0;
    for (let index = 0; index < test.count / 1000; index++) {
      const batch = makeBatch(test, order, index, 1000);
      const probabilities = classifier.probabilities(batch.images);
      const labels = batch.labels.dataSync();
      for (let i = 0; i < labels.length; i++) {
        const row = Array.from(probabilities.values.subarray(i * 10, i * 10 + 10));
        if (row.indexOf(Math.max(...row)) === labels[i]) correct++;
      }
      tf.dispose([batch.images, batch.labels]);
    }
    classifier.dispose();
    assert.ok(correct / test.count >= 0.99, `test accuracy ${correct / test.count}`);
    assert.equal(correct / test.count, manifest.accuracy);
    assert.deepEqual(readdirSync(cache), [], 'nothing trained');
  });

  it('refuses a judge whose files do not match their checksums, naming the file', async () => {
    await selectBackend('wasm');
    const cache = tempDir('gx-cache-');
    const folder = join(cache, 'classifiers', 'fashion-mnist-lenet-v2-seed0');
    cpSync(join(shippedJudges, 'mnist-lenet-v2'), folder, { recursive: true });
    const weights = join(folder, 'model', 'weights.bin');
    const bytes = readFileSync(weights);
    bytes[1000] ^= 1;
    rmSync(weights);
    writeFileSync(weights, bytes);
    const test = await loadSplit(mnist, 'test', { cacheDir: cache, download: false });
    await assert.rejects(loadClassifier('fashion-mnist', cache, { train: test, test }), (error: GxError) => {
      assert.equal(error.code, 'CLASSIFIER_DAMAGED');
      assert.match(error.message, /model\/weights\.bin does not match its checksum/);
      assert.match(error.hint ?? '', /delete .*the next evaluation trains it again/);
      return true;
    });
  });

  it("trains with gx's recipe where none ships: on 1000 images it already tells digits apart (chance: 10%)", async () => {
    await selectBackend('wasm');
    const sources = { cacheDir: tempDir('gx-cache-'), download: false };
    const test = firstExamples(await loadSplit(mnist, 'test', sources), 1000);
    const train = firstExamples(await loadSplit(mnist, 'train', sources), 1000);
    const trained = await trainClassifier('mnist', { train, test }, () => {});
    trained.dispose();
    assert.ok(trained.accuracy > 0.6, `test accuracy ${trained.accuracy}`);
  });
});

describe('evaluation during and after a run', () => {
  const cache = tempDir('gx-cache-');

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

    // In MLflow (the local store): each metric with its steps; the floor as params, not as constant curves.
    const store = run.tracking.store;
    const experiment = readdirSync(store).find((id) => existsSync(join(store, id, run.tracking.runId))) as string;
    const metric = (key: string) =>
      readFileSync(join(store, experiment, run.tracking.runId, 'metrics', key), 'utf8')
        .trim()
        .split('\n')
        .map((line) => Number(line.split(' ')[2]));
    assert.deepEqual(metric('fid'), [8, 10]);
    assert.deepEqual(metric('class_accuracy'), [8, 10]);
    const runFolder = join(store, experiment, run.tracking.runId);
    assert.ok(!existsSync(join(runFolder, 'metrics', 'real_fid')));
    assert.ok(!existsSync(join(runFolder, 'metrics', 'classifier_test_accuracy')));
    const recorded = JSON.parse(readFileSync(join(run.runDir, 'floor.json'), 'utf8'));
    for (const key of ['real_fid', 'classifier_test_accuracy'])
      assert.equal(Number(readFileSync(join(runFolder, 'params', `floor.${key}`), 'utf8')), recorded[key], key);

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

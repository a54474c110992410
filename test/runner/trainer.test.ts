import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import type { StepMetrics } from '../../src/runner/loop/steps.js';
import { resumeRun, runExperiment } from '../../src/runner/run.js';
import { describeOnEachBackend } from '../helpers/backends.js';
import { tempDir } from '../helpers/cli.js';
import { tinyExperiment } from '../helpers/experiments.js';
import { trainInMemory } from '../helpers/train.js';

process.env.MLFLOW_TRACKING_URI = tempDir(); // the runs' MLflow records go to a temporary local store

function history(runDir: string): StepMetrics[] {
  return readFileSync(join(runDir, 'history.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const { time: _time, ...rest } = JSON.parse(line);
      return rest;
    });
}

describeOnEachBackend('the trainer', (backend) => {
  it('keeps the tensor count flat over 200 steps (WGAN-GP, class term, dropout, batch norm)', async () => {
    const experiment = tinyExperiment([
      'loss.type=wgan-gp',
      'train.max_steps=200',
      'train.epochs=100',
      'train.batch_size=2',
      'train.ema=0.99',
    ]);
    const { tensors, buffers, metrics } = await trainInMemory(experiment);
    assert.equal(tensors.length, 200);
    assert.equal(tensors[199], tensors[9], `tensors grew from ${tensors[9]} to ${tensors[199]}`);
    assert.equal(buffers[199], buffers[9], `the backend's buffers grew from ${buffers[9]} to ${buffers[199]}`);
    assert.ok(metrics.every((m) => Number.isFinite(m.d_gradient_penalty) && Number.isFinite(m.wasserstein_estimate)));
  });

  it('repeats its losses exactly with the same seed, and not with another', async () => {
    const first = await trainInMemory(tinyExperiment(['train.max_steps=4']));
    const again = await trainInMemory(tinyExperiment(['train.max_steps=4']));
    const other = await trainInMemory(tinyExperiment(['train.max_steps=4', 'seed=2']));
    assert.deepEqual(again.metrics, first.metrics);
    assert.notDeepEqual(other.metrics, first.metrics);
  });

  it("averages a lazy penalty over the steps that computed it, not over the epoch's steps", async () => {
    // 64 images in batches of 8: an epoch of 8 steps, R1 on steps 0, 2, 4, 6.
    const experiment = tinyExperiment(['train.epochs=1', 'loss.regularisers=[{type: r1, gamma: 1, every: 2}]']);
    const { metrics, epochMeans } = await trainInMemory(experiment);
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    const r1 = metrics.flatMap((m) => (m.d_r1 === undefined ? [] : [m.d_r1]));
    assert.deepEqual([metrics.length, r1.length, epochMeans.length], [8, 4, 1]);
    assert.ok(Math.abs(epochMeans[0].d_r1 - mean(r1)) <= 1e-6 * Math.abs(mean(r1)), `${epochMeans[0].d_r1}`);
    const dLoss = mean(metrics.map((m) => m.d_loss));
    assert.ok(Math.abs(epochMeans[0].d_loss - dLoss) <= 1e-6 * Math.abs(dLoss));
  });

  it('resumed from a checkpoint after k steps, matches an uninterrupted run step for step', async () => {
    // 64 images in batches of 8: the run crosses two epoch boundaries, where data order changes.
    const experiment = tinyExperiment(['train.max_steps=18', 'train.ema=0.9']);
    const runsDir = tempDir();
    const whole = await runExperiment(experiment, { runsDir, backend });
    const cut = await runExperiment(experiment, { runsDir, backend, maxSteps: 5 });
    assert.equal(cut.state.step, 5);
    const resumed = await resumeRun(cut.runDir, { backend, maxSteps: 18 });
    assert.equal(resumed.backend, backend);
    assert.equal(resumed.status, 'FINISHED');
    assert.equal(history(resumed.runDir).length, 18);
    assert.deepEqual(history(resumed.runDir), history(whole.runDir));
    // model/ holds G's moving average, which the checkpoint carries too.
    const weights = (runDir: string) => readFileSync(join(runDir, 'model', 'weights.bin'));
    assert.ok(weights(resumed.runDir).equals(weights(whole.runDir)));
  });

  it('with spectral norm on both nets and every augmentation: exact on resume, tensors flat, and each changes the run', async () => {
    const critics = [
      'model.spectral_norm=both',
      'train.augment=[{type: translation}, {type: cutout}, {type: color}]',
      'train.ema=0',
    ];
    const experiment = tinyExperiment([...critics, 'train.max_steps=14']);
    const runsDir = tempDir();
    const whole = await runExperiment(experiment, { runsDir, backend });
    const cut = await runExperiment(experiment, { runsDir, backend, maxSteps: 6 });
    const resumed = await resumeRun(cut.runDir, { backend, maxSteps: 14 });
    assert.equal(resumed.status, 'FINISHED');
    assert.deepEqual(history(resumed.runDir), history(whole.runDir));
    const weights = (runDir: string) => readFileSync(join(runDir, 'model', 'weights.bin'));
    assert.ok(weights(resumed.runDir).equals(weights(whole.runDir)));

    const inMemory = await trainInMemory(tinyExperiment([...critics, 'train.max_steps=30', 'train.epochs=10']));
    assert.equal(
      inMemory.tensors[29],
      inMemory.tensors[9],
      `tensors grew from ${inMemory.tensors[9]} to ${inMemory.tensors[29]}`,
    );
    const plain = await trainInMemory(tinyExperiment(['train.max_steps=3', 'train.ema=0']));
    for (const one of critics.slice(0, 2)) {
      const changed = await trainInMemory(tinyExperiment([one, 'train.max_steps=3', 'train.ema=0']));
      assert.notDeepEqual(changed.metrics, plain.metrics, one);
    }
  });
});

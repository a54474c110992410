import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../src/backend/select.js';
import type { ResolvedExperiment } from '../../src/config/experiment.js';
import { cacheDir } from '../../src/data/cache-dir.js';
import { firstExamples } from '../../src/data/image-set.js';
import { createRandom } from '../../src/random.js';
import { datasets } from '../../src/registry/datasets.js';
import { buildGan } from '../../src/runner/build-gan.js';
import type { TrainingState } from '../../src/runner/checkpoint.js';
import { resumeRun, runExperiment } from '../../src/runner/run.js';
import type { StepMetrics } from '../../src/runner/steps.js';
import { train } from '../../src/runner/trainer.js';
import { tempDir } from '../helpers/cli.js';
import { tinyExperiment } from '../helpers/experiments.js';

await selectBackend('cpu');
const mnist = await datasets.get('mnist').load({ type: 'mnist' }, 'train', { cacheDir: cacheDir(), download: false });

/** Trains `experiment` in memory for its max_steps; returns every step's metrics and the tensor counts seen. */
async function trainInMemory(experiment: ResolvedExperiment) {
  const state: TrainingState = { step: 0, epoch: 0, batch: 0, random: createRandom(7).state(), dropoutCalls: 0 };
  const gan = buildGan(experiment, [28, 28, 1], state);
  const metrics: StepMetrics[] = [];
  const tensors: number[] = [];
  const data = firstExamples(mnist, experiment.data.limit);
  await train({ gan, data, model: experiment.model, train: experiment.train, seed: experiment.seed }, state, {
    step(_, m) {
      metrics.push(m);
      tensors.push(tf.memory().numTensors);
    },
  });
  gan.generator.dispose();
  gan.discriminator.dispose();
  return { metrics, tensors, state };
}

function history(runDir: string): StepMetrics[] {
  return readFileSync(join(runDir, 'history.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const { time: _time, ...rest } = JSON.parse(line);
      return rest;
    });
}

describe('the trainer', () => {
  it('keeps the tensor count flat over 200 steps (WGAN-GP, class term, dropout, batch norm)', async () => {
    const experiment = tinyExperiment([
      'loss.type=wgan-gp',
      'train.max_steps=200',
      'train.epochs=100',
      'train.batch_size=2',
    ]);
    const { tensors, metrics } = await trainInMemory(experiment);
    assert.equal(tensors.length, 200);
    assert.equal(tensors[199], tensors[9], `tensors grew from ${tensors[9]} to ${tensors[199]}`);
    assert.ok(metrics.every((m) => Number.isFinite(m.d_gradient_penalty) && Number.isFinite(m.wasserstein_estimate)));
  });

  it('repeats its losses exactly with the same seed, and not with another', async () => {
    const first = await trainInMemory(tinyExperiment(['train.max_steps=4']));
    const again = await trainInMemory(tinyExperiment(['train.max_steps=4']));
    const other = await trainInMemory(tinyExperiment(['train.max_steps=4', 'seed=2']));
    assert.deepEqual(again.metrics, first.metrics);
    assert.notDeepEqual(other.metrics, first.metrics);
  });

  it('resumed from a checkpoint after k steps, matches an uninterrupted run step for step', async () => {
    // 64 images in batches of 8: the run crosses two epoch boundaries, where data order changes.
    const experiment = tinyExperiment(['train.max_steps=18']);
    const runsDir = tempDir();
    const whole = await runExperiment(experiment, { runsDir });
    const cut = await runExperiment(experiment, { runsDir, maxSteps: 5 });
    assert.equal(cut.state.step, 5);
    const resumed = await resumeRun(cut.runDir, { maxSteps: 18 });
    assert.equal(resumed.status, 'FINISHED');
    assert.equal(history(resumed.runDir).length, 18);
    assert.deepEqual(history(resumed.runDir), history(whole.runDir));
  });
});

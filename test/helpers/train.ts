import * as tf from '@tensorflow/tfjs-core';
import type { SettledExperiment } from '../../src/config/experiment.js';
import { cacheDir } from '../../src/data/cache-dir.js';
import { firstExamples } from '../../src/data/image-set.js';
import { buildGan } from '../../src/models/build-gan.js';
import { datasets } from '../../src/registry/datasets.js';
import { runContext } from '../../src/runner/callbacks/run-context.js';
import type { StepMetrics } from '../../src/runner/loop/steps.js';
import { train } from '../../src/runner/loop/trainer.js';
import { initialState } from '../../src/runner/loop/training-state.js';

const mnist = await datasets.get('mnist').load({ type: 'mnist' }, 'train', { cacheDir: cacheDir(), download: false });

/**
 * Trains `experiment` in memory on the active backend; returns every step's metrics, each epoch's means, and the
 * tensors and the backend's buffers (which kernels can leak out of tf.memory()'s sight) after each step.
 */
export async function trainInMemory(experiment: SettledExperiment) {
  const state = initialState(experiment.seed);
  const gan = buildGan(experiment, [28, 28, 1], state);
  const metrics: StepMetrics[] = [];
  const epochMeans: StepMetrics[] = [];
  const tensors: number[] = [];
  const buffers: number[] = [];
  const data = firstExamples(mnist, experiment.data.limit);
  const record = {
    async onStepEnd(_: unknown, m: StepMetrics) {
      metrics.push(m);
      tensors.push(tf.memory().numTensors);
      buffers.push(tf.backend().numDataIds());
    },
    async onEpochEnd(_: unknown, means: StepMetrics) {
      epochMeans.push(means);
    },
  };
  const setup = { gan, data, model: experiment.model, train: experiment.train, seed: experiment.seed };
  await train(setup, runContext({ state, callbacks: [record] }), [record]);
  gan.generator.dispose();
  gan.discriminator.dispose();
  return { metrics, epochMeans, tensors, buffers, state };
}

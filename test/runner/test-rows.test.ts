import assert from 'node:assert/strict';
import { it } from 'node:test';
import { buildGan } from '../../src/models/build-gan.js';
import { runContext } from '../../src/runner/callbacks/run-context.js';
import { SAMPLED_TEST_IMAGES, testRows } from '../../src/runner/callbacks/test-rows.js';
import { initialState } from '../../src/runner/loop/training-state.js';
import { createProgress } from '../../src/runner/progress/progress-output.js';
import { planTraining } from '../../src/runner/progress/training-plan.js';
import type { MetricPoint } from '../../src/tracking/tracker.js';
import { describeOnEachBackend } from '../helpers/backends.js';
import { tinyExperiment } from '../helpers/experiments.js';
import { patternedTestSet } from '../helpers/images.js';

describeOnEachBackend('test rows', () => {
  it('of a run that ends inside its first epoch: on a sample of the test images; later, on all of them', async () => {
    const experiment = tinyExperiment(['train.test_losses=true']);
    const gan = buildGan(experiment, [28, 28, 1], { dropoutCalls: 0 });
    const count = SAMPLED_TEST_IMAGES + 200;
    const rows = testRows({ gan, experiment, loadTest: async () => patternedTestSet(count) });
    const measure = async (at: { epoch: number; batch: number }, end: 'run' | 'epoch') => {
      const tracked: MetricPoint[] = [];
      const state = { ...initialState(1), ...at, step: 3 };
      const context = runContext({
        state,
        callbacks: [rows],
        sink: { track: async (points) => void tracked.push(...points), flush: async () => {}, flushed: () => true },
      });
      await rows.onRunStart?.(context);
      if (end === 'run') await rows.onRunEnd?.(context);
      else await rows.onEpochEnd?.(context, {});
      return { images: context.latest.testImages, keys: tracked.map(({ key }) => key) };
    };
    try {
      // --max-steps 3: three batches of the first epoch.
      const first = await measure({ epoch: 0, batch: 3 }, 'run');
      assert.deepEqual(first.images, { measured: SAMPLED_TEST_IMAGES, of: count });
      assert.ok(first.keys.includes('d_loss_test') && first.keys.includes('g_loss_test'), `${first.keys}`);
      // A whole epoch, and a run that ends inside a later one: all the test images.
      assert.deepEqual((await measure({ epoch: 1, batch: 0 }, 'epoch')).images, { measured: count, of: count });
      assert.deepEqual((await measure({ epoch: 1, batch: 2 }, 'run')).images, { measured: count, of: count });
    } finally {
      gan.generator.dispose();
      gan.discriminator.dispose();
    }
  });

  it('the epoch table says on how many test images its test rows were measured', () => {
    const lines: string[] = [];
    const stream = { isTTY: false, write: (text: string) => lines.push(text) } as unknown as NodeJS.WriteStream;
    const criticSteps = () => 1;
    const plan = planTraining({ batchesPerEpoch: 600, epochs: 50, maxSteps: 3, criticSteps });
    const bar = createProgress({ plan, epochs: 50, criticSteps, sideEffects: [] }, stream, () => 0);
    const test = { g_loss: 1, d_loss: 2 };
    bar.epoch(1, { g_loss: 1, d_loss: 2 }, test, '3 steps of it', { measured: 1000, of: 10000 });
    assert.match(lines.at(-1) ?? '', /^epoch 1\/1 \(3 steps of it; test rows on 1,000 of 10,000 images\)\n/);
    bar.epoch(1, { g_loss: 1, d_loss: 2 }, test, undefined, { measured: 10000, of: 10000 });
    assert.match(lines.at(-1) ?? '', /^epoch 1\/1\n/);
  });
});

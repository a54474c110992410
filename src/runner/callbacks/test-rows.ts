import type { SettledExperiment } from '../../config/experiment.js';
import type { ImageSet } from '../../data/image-set.js';
import type { Gan } from '../../models/gan.js';
import { createRandom, deriveSeed } from '../../random.js';
import { testLosses as measure } from '../loop/test-losses.js';
import { loadTestData } from '../loop/training-data.js';
import type { Callback, RunContext } from './callback.js';

/**
 * Test images a run that ends inside its first epoch (a `--max-steps 3` smoke run) measures its test rows on: the
 * seed's full rows (10,000 test images, 10,000 fakes, 20,000 for G) cost minutes there, far more than the steps.
 */
export const SAMPLED_TEST_IMAGES = 1000;

export interface TestRowsOptions {
  gan: Gan;
  experiment: SettledExperiment;
  /** The test split; by default the experiment's, loaded when the run starts. */
  loadTest?: () => Promise<ImageSet>;
}

/**
 * After each epoch, D's and G's losses on the test split (see ../loop/test-losses.ts), tracked at the epoch's last step
 * as d_loss_test, g_loss_adv_test, ...; the progress table shows them as the seed's test rows (the run context's
 * latest.test). A run the user stopped inside an epoch is not kept waiting for its test rows; one that ends inside
 * its first epoch has them on the first SAMPLED_TEST_IMAGES test images (the table says so). The fakes' noise
 * derives from the seed and the epoch, so a resumed run measures what it would have.
 */
export function testRows({ gan, experiment, loadTest = () => loadTestData(experiment) }: TestRowsOptions): Callback {
  const { model, seed } = experiment;
  let test: ImageSet | undefined;
  // `epoch`: the 1-based epoch measured, whole or (at the end of a run) in part.
  const evaluate = async (context: RunContext, epoch: number, images?: number) => {
    if (!test) return;
    const random = createRandom(deriveSeed(seed, 'test-losses', epoch));
    const count = Math.min(images ?? test.count, test.count);
    const rows = measure(gan, test, model, experiment.train.g_batch_multiplier, random, count);
    context.latest.test = rows;
    context.latest.testImages = { measured: count, of: test.count };
    const [step, timestamp] = [context.state.step, Date.now()];
    await context.track(Object.entries(rows).map(([key, value]) => ({ key: `${key}_test`, value, step, timestamp })));
  };
  return {
    async onRunStart() {
      test = await loadTest();
    },
    onEpochEnd: (context) => evaluate(context, context.state.epoch),
    async onRunEnd(context) {
      context.latest.test = undefined;
      const { epoch, batch } = context.state;
      if (batch > 0 && !context.stopRequested())
        await evaluate(context, epoch + 1, epoch === 0 ? SAMPLED_TEST_IMAGES : undefined);
    },
  };
}

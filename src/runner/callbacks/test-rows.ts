import type { ModelConfig } from '../../config/experiment.js';
import type { ImageSet } from '../../data/image-set.js';
import type { Gan } from '../../models/gan.js';
import { createRandom, deriveSeed } from '../../random.js';
import { testLosses as measure } from '../loop/test-losses.js';
import type { Callback, RunContext } from './callback.js';

export interface TestRowsOptions {
  gan: Gan;
  /** The test split, loaded when the run starts. */
  loadTest(): Promise<ImageSet>;
  model: ModelConfig;
  seed: number;
  gMultiplier: number;
}

/**
 * After each epoch, D's and G's losses on the test split (see ../loop/test-losses.ts), tracked at the epoch's last step
 * as d_loss_test, g_loss_adv_test, ...; the progress table shows them as the seed's test rows (the run context's
 * latest.test). A run the user stopped inside an epoch is not kept waiting for its test rows. The fakes' noise
 * derives from the seed and the epoch, so a resumed run measures what it would have.
 */
export function testRows({ gan, loadTest, model, seed, gMultiplier }: TestRowsOptions): Callback {
  let test: ImageSet | undefined;
  // `epoch`: the 1-based epoch measured, whole or (at the end of a run) in part.
  const evaluate = async (context: RunContext, epoch: number) => {
    if (!test) return;
    const rows = measure(gan, test, model, gMultiplier, createRandom(deriveSeed(seed, 'test-losses', epoch)));
    context.latest.test = rows;
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
      if (context.state.batch > 0 && !context.stopRequested()) await evaluate(context, context.state.epoch + 1);
    },
  };
}

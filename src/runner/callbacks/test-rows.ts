import type { ModelConfig } from '../../config/experiment.js';
import type { ImageSet } from '../../data/image-set.js';
import type { Gan } from '../../models/gan.js';
import { createRandom, deriveSeed } from '../../random.js';
import type { StepMetrics } from '../loop/steps.js';
import { testLosses as measure } from '../loop/test-losses.js';
import type { TrainingState } from '../run-folder/checkpoint.js';
import type { Callback } from './callback.js';
import type { MetricsLog } from './metrics-log.js';

export interface TestRowsOptions {
  gan: Gan;
  /** The test split, loaded when the run starts. */
  loadTest(): Promise<ImageSet>;
  model: ModelConfig;
  seed: number;
  gMultiplier: number;
  log: MetricsLog;
  /** Whether the user asked the run to stop: a run stopped inside an epoch is not kept waiting for its test rows. */
  stopped(): boolean;
}

/**
 * After each epoch, D's and G's losses on the test split (see ../loop/test-losses.ts), tracked at the epoch's last step
 * as d_loss_test, g_loss_adv_test, ...; the progress table shows them as the seed's test rows. The fakes' noise
 * derives from the seed and the epoch, so a resumed run measures what it would have.
 */
export function testRows({ gan, loadTest, model, seed, gMultiplier, log, stopped }: TestRowsOptions) {
  let test: ImageSet | undefined;
  let last: StepMetrics | undefined;
  // `epoch`: the 1-based epoch measured, whole or (at the end of a run) in part.
  const evaluate = async (state: TrainingState, epoch: number) => {
    if (!test) return;
    last = measure(gan, test, model, gMultiplier, createRandom(deriveSeed(seed, 'test-losses', epoch)));
    const timestamp = Date.now();
    await log.track(
      Object.entries(last).map(([key, value]) => ({ key: `${key}_test`, value, step: state.step, timestamp })),
    );
  };
  const callback: Callback = {
    async onRunStart() {
      test = await loadTest();
    },
    onEpochEnd: (state) => evaluate(state, state.epoch),
    async onRunEnd(state) {
      last = undefined;
      if (state.batch > 0 && !stopped()) await evaluate(state, state.epoch + 1);
    },
  };
  return { callback, last: () => last };
}

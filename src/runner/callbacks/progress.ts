import { createProgress } from '../progress.js';
import type { StepMetrics } from '../steps.js';
import type { Callback } from './callback.js';

/**
 * Progress and epoch tables on stderr (see ../progress.ts), cleared when the run ends or fails. `testRows` gives the
 * epoch's test losses, when they are measured (train.test_losses). A run that ends inside an epoch gets a table of
 * the steps it trained in it.
 */
export function progress(totalSteps: number, totalEpochs: number, testRows?: () => StepMetrics | undefined): Callback {
  const bar = createProgress(totalSteps, totalEpochs);
  let sums: StepMetrics = {};
  let steps = 0;
  return {
    async onStepEnd(state, metrics) {
      bar.step(state.step, state.epoch, metrics);
      for (const [key, value] of Object.entries(metrics)) sums[key] = (sums[key] ?? 0) + value;
      steps += 1;
    },
    async onEpochEnd(state, means) {
      bar.epoch(state.epoch, means, testRows?.());
      [sums, steps] = [{}, 0];
    },
    async onRunEnd(state) {
      if (steps > 0 && state.batch > 0) {
        const means = Object.fromEntries(Object.entries(sums).map(([key, sum]) => [key, sum / steps]));
        bar.epoch(state.epoch + 1, means, testRows?.(), `${steps} steps of it`);
      }
      bar.clear();
    },
    async onRunFailed() {
      bar.clear();
    },
  };
}

import type { TrainConfig } from '../../config/experiment.js';
import { batchesPerEpoch } from '../../data/batches.js';
import type { ImageSet } from '../../data/image-set.js';
import type { Gan } from '../../models/gan.js';
import type { StepMetrics } from '../loop/steps.js';
import { createProgress, type ProgressPlan } from '../progress/progress-output.js';
import { planTraining } from '../progress/training-plan.js';
import type { Callback } from './callback.js';

export interface ProgressOptions {
  data: ImageSet;
  train: TrainConfig;
  gan: Pick<Gan, 'criticSteps'>;
  /** The scheduled side effects, timed as they happen (see measured.ts). */
  sideEffects: ProgressPlan['sideEffects'];
  /** The epoch's test losses, when they are measured (train.test_losses). */
  testRows?: () => StepMetrics | undefined;
}

/**
 * Progress and epoch tables on stderr (see ../progress/progress-output.ts), cleared when the run ends or fails. A run that ends
 * inside an epoch gets a table of the steps it trained in it.
 */
export function progress({ data, train, gan, sideEffects, testRows }: ProgressOptions): Callback {
  const plan = planTraining({
    batchesPerEpoch: batchesPerEpoch(data, train.batch_size),
    epochs: train.epochs,
    maxSteps: train.max_steps,
    criticSteps: gan.criticSteps,
  });
  const bar = createProgress({ plan, epochs: train.epochs, criticSteps: gan.criticSteps, sideEffects });
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

import type { TrainConfig } from '../../config/experiment.js';
import { batchesPerEpoch } from '../../data/batches.js';
import type { ImageSet } from '../../data/image-set.js';
import type { Gan } from '../../models/gan.js';
import type { StepMetrics } from '../loop/steps.js';
import { createProgress } from '../progress/progress-output.js';
import type { RunProgress } from '../progress/run-progress.js';
import { planTraining } from '../progress/training-plan.js';
import type { Callback } from './callback.js';

export interface ProgressOptions {
  data: ImageSet;
  train: TrainConfig;
  gan: Pick<Gan, 'criticSteps'>;
  /** Told where the run stands about once a second (a sweep's trial process tells its sweep). */
  report?: (progress: RunProgress) => void;
}

/**
 * Progress and epoch tables on stderr (see ../progress/progress-output.ts), cleared when the run ends or fails. A run that ends
 * inside an epoch gets a table of the steps it trained in it. The ETA counts the scheduled side effects' measured
 * cost (the run context's `scheduled`, see measured.ts); the tables show the test rows when they are measured.
 */
export function progress({ data, train, gan, report }: ProgressOptions): Callback {
  const plan = planTraining({
    batchesPerEpoch: batchesPerEpoch(data, train.batch_size),
    epochs: train.epochs,
    maxSteps: train.max_steps,
    criticSteps: gan.criticSteps,
  });
  let bar: ReturnType<typeof createProgress> | undefined;
  let sums: StepMetrics = {};
  let steps = 0;
  return {
    async onRunStart({ scheduled }) {
      bar = createProgress({
        plan,
        epochs: train.epochs,
        criticSteps: gan.criticSteps,
        sideEffects: scheduled,
        report,
      });
    },
    async onStepEnd({ state, latest }, metrics) {
      bar?.step(state.step, state.epoch, metrics, latest.evaluation);
      for (const [key, value] of Object.entries(metrics)) sums[key] = (sums[key] ?? 0) + value;
      steps += 1;
    },
    async onEpochEnd({ state, latest }, means) {
      bar?.epoch(state.epoch, means, latest.test);
      [sums, steps] = [{}, 0];
    },
    async onRunEnd({ state, latest }) {
      if (steps > 0 && state.batch > 0) {
        const means = Object.fromEntries(Object.entries(sums).map(([key, sum]) => [key, sum / steps]));
        bar?.epoch(state.epoch + 1, means, latest.test, `${steps} steps of it`, latest.testImages);
      }
      bar?.clear();
    },
    async onRunFailed() {
      bar?.clear();
    },
  };
}

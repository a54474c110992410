import type { TrainConfig } from '../../config/experiment.js';
import { batchesPerEpoch } from '../../data/batches.js';
import type { ImageSet } from '../../data/image-set.js';
import type { Gan } from '../../models/gan.js';
import { createProgress, type ProgressPlan } from '../progress.js';
import { planTraining } from '../training-plan.js';
import type { Callback } from './callback.js';

export interface ProgressOptions {
  data: ImageSet;
  train: TrainConfig;
  gan: Pick<Gan, 'criticSteps'>;
  /** The scheduled side effects, timed as they happen (see measured.ts). */
  sideEffects: ProgressPlan['sideEffects'];
}

/** Progress and epoch tables on stderr (see ../progress.ts), cleared when the run ends or fails. */
export function progress({ data, train, gan, sideEffects }: ProgressOptions): Callback {
  const plan = planTraining({
    batchesPerEpoch: batchesPerEpoch(data, train.batch_size),
    epochs: train.epochs,
    maxSteps: train.max_steps,
    criticSteps: gan.criticSteps,
  });
  const bar = createProgress({ plan, epochs: train.epochs, criticSteps: gan.criticSteps, sideEffects });
  return {
    async onStepEnd(state, metrics) {
      bar.step(state.step, state.epoch, metrics);
    },
    async onEpochEnd(state, means) {
      bar.epoch(state.epoch, means);
    },
    async onRunEnd() {
      bar.clear();
    },
    async onRunFailed() {
      bar.clear();
    },
  };
}

/** What the trainer's loop (trainer.ts) will do, worked out ahead from the configuration and the critic schedule. */
export interface TrainingPlan {
  /** Generator steps the run takes. */
  readonly steps: number;
  /** The generator step after which each epoch ends, epoch 1 first (a run cut by max_steps ends fewer). */
  readonly epochEnds: readonly number[];
}

export interface PlanInputs {
  batchesPerEpoch: number;
  epochs: number;
  /** train.max_steps; undefined: as many as the epochs hold. */
  maxSteps?: number;
  /** Critic steps before generator step `step` (0-based): n_critic, or a loss's warm-up schedule. */
  criticSteps(step: number): number;
}

/**
 * Walks the loop's bookkeeping without training: each generator step takes criticSteps(step) batches, and an epoch
 * ends when too few batches remain for the next one. So a WGAN warm-up of 100 critic steps per generator step both
 * shortens epochs and, counted by updates(), makes its steps dearer.
 */
export function planTraining({ batchesPerEpoch, epochs, maxSteps, criticSteps }: PlanInputs): TrainingPlan {
  const limit = maxSteps ?? Number.POSITIVE_INFINITY;
  const epochEnds: number[] = [];
  let [step, epoch, batch] = [0, 0, 0];
  while (epoch < epochs && step < limit) {
    const critic = criticSteps(step);
    if (critic > batchesPerEpoch) return { steps: step, epochEnds }; // the trainer refuses to start this step
    if (batch + critic > batchesPerEpoch) {
      [epoch, batch] = [epoch + 1, 0];
      epochEnds.push(step);
      continue;
    }
    batch += critic;
    step += 1;
  }
  // A run stopped by max_steps right at an epoch's last step has finished that epoch.
  if (epoch < epochs && batch + criticSteps(step) > batchesPerEpoch) epochEnds.push(step);
  return { steps: step, epochEnds };
}

/**
 * Updates (critic steps plus the generator step) in generator steps [from, to): the unit of training time, since
 * a critic step costs about what a generator step does (each runs G and D forward and one of them backward).
 */
export function updates(criticSteps: (step: number) => number, from: number, to: number): number {
  let count = 0;
  for (let step = from; step < to; step++) count += criticSteps(step) + 1;
  return count;
}

import { type EpochCursor, epochIsOver, startNextEpoch } from '../loop/epoch-cursor.js';

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
 * Walks the loop's epochs (../loop/epoch-cursor.ts) without training. A WGAN warm-up of 100 critic steps per
 * generator step both shortens epochs and, counted by updates(), makes its steps dearer.
 */
export function planTraining({ batchesPerEpoch, epochs, maxSteps, criticSteps }: PlanInputs): TrainingPlan {
  const limit = maxSteps ?? Number.POSITIVE_INFINITY;
  const epochEnds: number[] = [];
  const at: EpochCursor = { step: 0, epoch: 0, batch: 0 };
  while (at.epoch < epochs && at.step < limit) {
    if (criticSteps(at.step) > batchesPerEpoch) return { steps: at.step, epochEnds }; // the trainer refuses it
    if (epochIsOver(at, criticSteps, batchesPerEpoch)) {
      startNextEpoch(at);
      epochEnds.push(at.step);
      continue;
    }
    at.batch += criticSteps(at.step);
    at.step += 1;
  }
  // A run stopped by max_steps right at an epoch's last step has finished that epoch.
  if (at.epoch < epochs && epochIsOver(at, criticSteps, batchesPerEpoch)) epochEnds.push(at.step);
  return { steps: at.step, epochEnds };
}

/**
 * The epochs a run trains in, whole or in part: under max_steps fewer than train.epochs (`epoch 1/1` for a run of 40
 * steps in epochs of 468, not `epoch 1/1000`).
 */
export function epochsTrained(plan: TrainingPlan): number {
  const lastEnd = plan.epochEnds.at(-1) ?? 0;
  return plan.epochEnds.length + (plan.steps > lastEnd ? 1 : 0);
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

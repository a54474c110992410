import type { TrainingPlan } from '../progress/training-plan.js';

/**
 * When a side effect of training happens (a sample grid, an evaluation): after every `everyEpochs` epochs and every
 * `everySteps` generator steps (0: not by that count), and always once when the run ends; once per step at most.
 */
export interface Schedule {
  readonly everyEpochs: number;
  readonly everySteps: number;
}

export function firesAtStep(schedule: Schedule, step: number): boolean {
  return schedule.everySteps > 0 && step % schedule.everySteps === 0;
}

/** `epoch`: epochs done, counting the one that just ended. */
export function firesAtEpochEnd(schedule: Schedule, epoch: number): boolean {
  return schedule.everyEpochs > 0 && epoch % schedule.everyEpochs === 0;
}

/** How many times the schedule fires after `step` over the plan, the end of the run included. */
export function firingsAfter(schedule: Schedule, plan: TrainingPlan, step: number): number {
  if (plan.steps <= step) return 0;
  const { everySteps } = schedule;
  const byStep = (s: number) => everySteps > 0 && s % everySteps === 0;
  let count = everySteps > 0 ? Math.floor(plan.steps / everySteps) - Math.floor(step / everySteps) : 0;
  const epochFirings = new Set(
    plan.epochEnds.filter((end, i) => end > step && !byStep(end) && firesAtEpochEnd(schedule, i + 1)),
  );
  count += epochFirings.size;
  if (!byStep(plan.steps) && !epochFirings.has(plan.steps)) count += 1;
  return count;
}

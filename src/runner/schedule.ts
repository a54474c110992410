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

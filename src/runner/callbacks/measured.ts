import type { SideEffectCost } from '../progress/eta.js';
import type { Callback } from './callback.js';
import { firesAtEpochEnd, firesAtStep, type Schedule } from './schedule.js';

/** A scheduled callback with the time its step and epoch hooks take: what the progress line projects. */
export interface Measured {
  callback: Callback;
  schedule: Schedule;
  cost: SideEffectCost;
}

/**
 * Wraps a scheduled callback (evaluation, sample grids) to time its onStepEnd and onEpochEnd, counting one
 * occurrence per step where its schedule fires; the hooks that do nothing on other steps cost microseconds.
 */
export function measured(callback: Callback, schedule: Schedule, now = () => performance.now()): Measured {
  const cost: SideEffectCost = { seconds: 0, count: 0 };
  let countedAt = -1;
  const time = async (step: number, fires: boolean, hook: () => Promise<void> | undefined) => {
    const start = now();
    try {
      await hook();
    } finally {
      cost.seconds += (now() - start) / 1000;
    }
    if (fires && countedAt !== step) [cost.count, countedAt] = [cost.count + 1, step];
  };
  return {
    callback: {
      ...callback,
      onStepEnd: (state, metrics) =>
        time(state.step, firesAtStep(schedule, state.step), () => callback.onStepEnd?.(state, metrics)),
      onEpochEnd: (state, means) =>
        time(state.step, firesAtEpochEnd(schedule, state.epoch), () => callback.onEpochEnd?.(state, means)),
    },
    schedule,
    cost,
  };
}

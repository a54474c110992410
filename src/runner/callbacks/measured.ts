import type { SideEffectCost } from '../progress/eta.js';
import type { Callback } from './callback.js';
import { firesAtEpochEnd, firesAtStep, type Schedule } from './schedule.js';

/**
 * Wraps a scheduled callback (evaluation, sample grids) to time its onStepEnd and onEpochEnd, counting one
 * occurrence per step where its schedule fires; the hooks that do nothing on other steps cost microseconds. The
 * cost and the schedule are put in the run context's `scheduled` when the run starts: what the progress line
 * projects.
 */
export function measured(callback: Callback, schedule: Schedule, now = () => performance.now()): Callback {
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
    ...callback,
    async onRunStart(context) {
      context.scheduled.push({ schedule, cost });
      await callback.onRunStart?.(context);
    },
    onStepEnd: (context, metrics) =>
      time(context.state.step, firesAtStep(schedule, context.state.step), () => callback.onStepEnd?.(context, metrics)),
    onEpochEnd: (context, means) =>
      time(context.state.step, firesAtEpochEnd(schedule, context.state.epoch), () =>
        callback.onEpochEnd?.(context, means),
      ),
  };
}

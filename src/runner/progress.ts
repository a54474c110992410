import { remainingSeconds, type SideEffectCost } from './eta.js';
import { firingsAfter, type Schedule } from './schedule.js';
import type { StepMetrics } from './steps.js';
import { type TrainingPlan, updates } from './training-plan.js';

/** How often progress is printed when stderr is not a terminal (a log file, CI). */
const PLAIN_INTERVAL_MS = 10_000;

export interface ProgressPlan {
  plan: TrainingPlan;
  epochs: number;
  /** Critic steps before each generator step (n_critic, or a loss's warm-up): what a step costs. */
  criticSteps(step: number): number;
  /** The scheduled side effects (evaluation, sample grids), timed as they happen (callbacks/measured.ts). */
  sideEffects: readonly { schedule: Schedule; cost: SideEffectCost }[];
}

/**
 * Progress on stderr: one line redrawn in place on a terminal, a plain line every 10 s otherwise; and after each
 * epoch a small table like the seed's (loss and its adversarial and class parts, for G and D). The pace and ETA
 * count from the first step this process trained (which also compiles the kernels): training at the pace measured
 * per update, and the evaluations and sample grids still scheduled at their measured cost.
 */
export function createProgress(
  { plan, epochs, criticSteps, sideEffects }: ProgressPlan,
  stream: NodeJS.WriteStream = process.stderr,
  now: () => number = Date.now,
) {
  const totalUpdates = updates(criticSteps, 0, plan.steps);
  const sideSeconds = () => sideEffects.reduce((sum, { cost }) => sum + cost.seconds, 0);
  let origin: { time: number; step: number; sideSeconds: number; updatesBefore: number } | undefined;
  // Updates trained since the origin, counted up to step `counted`.
  let [updatesDone, counted] = [0, 0];
  let lastPrint: number | undefined;
  let pending = false;

  const line = (step: number, epoch: number, metrics: StepMetrics) => {
    if (!origin) {
      origin = { time: now(), step, sideSeconds: sideSeconds(), updatesBefore: updates(criticSteps, 0, step) };
      counted = step;
    }
    updatesDone += updates(criticSteps, counted, step);
    counted = step;
    const trainingSeconds = (now() - origin.time) / 1000 - (sideSeconds() - origin.sideSeconds);
    const eta = remainingSeconds({
      trainingSeconds,
      updatesDone,
      updatesLeft: Math.max(0, totalUpdates - origin.updatesBefore - updatesDone),
      sideEffects: sideEffects.map(({ schedule, cost }) => ({
        ...cost,
        remaining: firingsAfter(schedule, plan, step),
      })),
    });
    const rate = eta === undefined ? '-' : ((step - origin.step) / trainingSeconds).toFixed(2);
    const losses = `d ${fixed(metrics.d_loss)} g ${fixed(metrics.g_loss)}`;
    return `epoch ${epoch + 1}/${epochs} · step ${step}/${plan.steps} · ${losses} · ${rate} it/s · ETA ${duration(eta)}`;
  };

  return {
    step(step: number, epoch: number, metrics: StepMetrics) {
      if (stream.isTTY) {
        stream.write(`\r\x1b[K${line(step, epoch, metrics)}`);
        pending = true;
      } else if (lastPrint === undefined || now() - lastPrint >= PLAIN_INTERVAL_MS) {
        lastPrint = now();
        stream.write(`${line(step, epoch, metrics)}\n`);
      }
    },
    epoch(epoch: number, means: StepMetrics) {
      this.clear();
      const row = (name: string, side: 'g' | 'd') =>
        `  ${name.padEnd(22)}${fixed(means[`${side}_loss`]).padStart(10)}${fixed(means[`${side}_loss_adv`]).padStart(13)}${fixed(means[`${side}_loss_class`]).padStart(10)}`;
      stream.write(
        `epoch ${epoch}/${epochs}${' '.repeat(18)}loss  adversarial     class\n${row('generator (train)', 'g')}\n${row('discriminator (train)', 'd')}\n`,
      );
    },
    /** Ends a line drawn in place, before anything else is printed. */
    clear() {
      if (pending) stream.write('\n');
      pending = false;
    },
  };
}

function fixed(value: number | undefined): string {
  return value === undefined ? '-' : value.toFixed(4);
}

function duration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${s % 60}s`
      : `${s}s`;
}

import { firingsAfter, type Schedule } from '../callbacks/schedule.js';
import type { StepMetrics } from '../loop/steps.js';
import { remainingSeconds, type SideEffectCost } from './eta.js';
import { duration, type RunProgress } from './run-progress.js';
import { epochsTrained, type TrainingPlan, updates } from './training-plan.js';

/** How often progress is printed when stderr is not a terminal (a log file, CI). */
const PLAIN_INTERVAL_MS = 10_000;
/** How often `report` is told (a sweep redraws its table about once a second). */
const REPORT_INTERVAL_MS = 1_000;

export interface ProgressPlan {
  plan: TrainingPlan;
  epochs: number;
  /** Critic steps before each generator step (n_critic, or a loss's warm-up): what a step costs. */
  criticSteps(step: number): number;
  /** The scheduled side effects (evaluation, sample grids), timed as they happen (callbacks/measured.ts). */
  sideEffects: readonly { schedule: Schedule; cost: SideEffectCost }[];
  /** Told where the run stands, at most once a second and at its last step (a sweep's trial tells its sweep). */
  report?: (progress: RunProgress) => void;
}

/** How many test images the test rows were measured on, of how many. */
export interface TestSample {
  measured: number;
  of: number;
}

/**
 * Progress on stderr: one line redrawn in place on a terminal, a plain line every 10 s otherwise; and after each
 * epoch the seed's table (mnist_acgan.py's layout: loss and its adversarial and class parts, for G and D, on the
 * training steps and, when measured, on the test split). The pace and ETA count from the first step this process
 * trained (which also compiles the kernels): training at the pace measured per update, and the evaluations and
 * sample grids still scheduled at their measured cost.
 */
export function createProgress(
  { plan, epochs, criticSteps, sideEffects, report }: ProgressPlan,
  stream: NodeJS.WriteStream = process.stderr,
  now: () => number = Date.now,
) {
  const totalUpdates = updates(criticSteps, 0, plan.steps);
  // Counted toward --max-steps when it cuts the run short; a resumed run's plan may end before it started.
  const epochsShown = Math.min(epochs, Math.max(1, epochsTrained(plan)));
  const sideSeconds = () => sideEffects.reduce((sum, { cost }) => sum + cost.seconds, 0);
  let origin: { time: number; step: number; sideSeconds: number; updatesBefore: number } | undefined;
  // Updates trained since the origin, counted up to step `counted`.
  let [updatesDone, counted] = [0, 0];
  let lastPrint: number | undefined;
  let lastReport: number | undefined;
  let pending = false;

  const line = (step: number, epoch: number, metrics: StepMetrics, evaluation: Record<string, number>) => {
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
    if (report && (lastReport === undefined || now() - lastReport >= REPORT_INTERVAL_MS || step === plan.steps)) {
      lastReport = now();
      report({ step, steps: plan.steps, losses: { ...metrics }, evaluation: { ...evaluation }, etaSeconds: eta });
    }
    const rate = eta === undefined ? '-' : ((step - origin.step) / trainingSeconds).toFixed(2);
    const losses = `d ${fixed(metrics.d_loss)} g ${fixed(metrics.g_loss)}`;
    return `epoch ${epoch + 1}/${Math.max(epochsShown, epoch + 1)} · step ${step}/${plan.steps} · ${losses} · ${rate} it/s · ETA ${duration(eta)}`;
  };

  return {
    /** `evaluation`: the latest evaluation's values, for `report`. */
    step(step: number, epoch: number, metrics: StepMetrics, evaluation: Record<string, number> = {}) {
      const text = line(step, epoch, metrics, evaluation);
      if (stream.isTTY) {
        stream.write(`\r\x1b[K${text}`);
        pending = true;
      } else if (lastPrint === undefined || now() - lastPrint >= PLAIN_INTERVAL_MS) {
        lastPrint = now();
        stream.write(`${text}\n`);
      }
    },
    /**
     * The table of epoch `epoch` (1-based); `part` says what share of it was trained when it is not whole, `sample`
     * on how many test images the test rows were measured when not on all.
     */
    epoch(epoch: number, means: StepMetrics, test?: StepMetrics, part?: string, sample?: TestSample) {
      this.clear();
      const sampled =
        test && sample && sample.measured < sample.of
          ? `test rows on ${sample.measured.toLocaleString('en')} of ${sample.of.toLocaleString('en')} images`
          : undefined;
      const notes = [part, sampled].filter((note) => note !== undefined).join('; ');
      stream.write(
        `epoch ${epoch}/${Math.max(epochsShown, epoch)}${notes ? ` (${notes})` : ''}\n${epochTable(means, test)}`,
      );
    },
    /** Ends a line drawn in place, before anything else is printed. */
    clear() {
      if (pending) stream.write('\n');
      pending = false;
    },
  };
}

/**
 * The seed's epoch table: mnist_acgan.py's columns and rows (loss and its adversarial and class parts, Keras' names;
 * generator then discriminator, each train then test; values '%.2f' as Python formats them), each column as wide as
 * its widest cell, so that a loss of 10 or more does not push its row's separators out of line as the seed's
 * format strings ('{0:<22s} | {1:<4.2f} | ...') do. A term a run does not have (no class head) is '-'; the test rows
 * are left out when they were not measured.
 */
export function epochTable(train: StepMetrics, test?: StepMetrics): string {
  const row = (name: string, side: 'g' | 'd', metrics: StepMetrics) => [
    name,
    ...['', '_adv', '_class'].map((part) => decimals(metrics[`${side}_loss${part}`])),
  ];
  const rows = [['component', 'loss', 'generation_loss', 'auxiliary_loss']];
  for (const [component, side] of [
    ['generator', 'g'],
    ['discriminator', 'd'],
  ] as const) {
    rows.push(row(`${component} (train)`, side, train));
    if (test) rows.push(row(`${component} (test)`, side, test));
  }
  const widths = rows[0].map((_, column) => Math.max(...rows.map((cells) => cells[column].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join(' | ')
      .trimEnd();
  const rule = '-'.repeat(widths.reduce((sum, width) => sum + width, 3 * (widths.length - 1)));
  return `${[line(rows[0]), rule, ...rows.slice(1).map(line)].join('\n')}\n`;
}

/** '%.2f' as Python formats it: an exact tie (0.625) goes to the even digit, where toFixed rounds it up. */
function decimals(value: number | undefined): string {
  if (value === undefined) return '-';
  const [whole, fraction = ''] = Math.abs(value).toFixed(60).split('.');
  const tie = /^50*$/.test(fraction.slice(2));
  if (!tie || Number(fraction[1]) % 2 === 1) return value.toFixed(2);
  return `${value < 0 ? '-' : ''}${whole}.${fraction.slice(0, 2)}`;
}

function fixed(value: number | undefined): string {
  return value === undefined ? '-' : value.toFixed(4);
}

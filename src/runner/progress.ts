import type { StepMetrics } from './steps.js';

/** How often progress is printed when stderr is not a terminal (a log file, CI). */
const PLAIN_INTERVAL_MS = 10_000;

/**
 * Progress on stderr: one line redrawn in place on a terminal, a plain line every 10 s otherwise; and after each
 * epoch a small table like the seed's (loss and its adversarial and class parts, for G and D).
 */
export function createProgress(totalSteps: number, totalEpochs: number, stream: NodeJS.WriteStream = process.stderr) {
  const started = Date.now();
  let firstStep: number | undefined;
  let lastPrint = 0;
  let pending = false;

  const line = (step: number, epoch: number, metrics: StepMetrics) => {
    firstStep ??= step - 1;
    const seconds = (Date.now() - started) / 1000;
    const rate = (step - firstStep) / Math.max(seconds, 1e-9);
    const eta = Number.isFinite(totalSteps) ? ` · ETA ${duration((totalSteps - step) / rate)}` : '';
    const losses = `d ${fixed(metrics.d_loss)} g ${fixed(metrics.g_loss)}`;
    const total = Number.isFinite(totalSteps) ? `/${totalSteps}` : '';
    return `epoch ${epoch + 1}/${totalEpochs} · step ${step}${total} · ${losses} · ${rate.toFixed(2)} it/s${eta}`;
  };

  return {
    step(step: number, epoch: number, metrics: StepMetrics) {
      if (stream.isTTY) {
        stream.write(`\r\x1b[K${line(step, epoch, metrics)}`);
        pending = true;
      } else if (Date.now() - lastPrint >= PLAIN_INTERVAL_MS || step === 1) {
        lastPrint = Date.now();
        stream.write(`${line(step, epoch, metrics)}\n`);
      }
    },
    epoch(epoch: number, means: StepMetrics) {
      this.clear();
      const row = (name: string, side: 'g' | 'd') =>
        `  ${name.padEnd(22)}${fixed(means[`${side}_loss`]).padStart(10)}${fixed(means[`${side}_loss_adv`]).padStart(13)}${fixed(means[`${side}_loss_class`]).padStart(10)}`;
      stream.write(
        `epoch ${epoch}/${totalEpochs}${' '.repeat(18)}loss  adversarial     class\n${row('generator (train)', 'g')}\n${row('discriminator (train)', 'd')}\n`,
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

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${s % 60}s`
      : `${s}s`;
}

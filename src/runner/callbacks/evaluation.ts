import { join } from 'node:path';
import type { EvalConfig, ResolvedExperiment } from '../../config/experiment.js';
import { type Evaluation, prepareEvaluation } from '../../eval/evaluate.js';
import { type Gan, sampler } from '../../models/gan.js';
import { appendRecord } from '../run-record.js';
import type { Callback } from './callback.js';
import type { MetricsLog } from './metrics-log.js';

export interface EvaluationOptions {
  experiment: ResolvedExperiment;
  config: EvalConfig;
  runDir: string;
  gan: Gan;
  log: MetricsLog;
  resumed: boolean;
  /** Print each evaluation on stderr. */
  progress: boolean;
  warn: (line: string) => void;
}

/**
 * Sample-quality metrics of G (see eval/), to eval.jsonl and the tracker: `schedule` evaluates every eval.every
 * epochs and every eval.every_steps steps, `final` once when the run ends. They are two callbacks so that the final
 * evaluation can come after the final checkpoint: a failure in it leaves the whole run to resume from.
 */
export function evaluation({ experiment, config, runDir, gan, log, resumed, progress, warn }: EvaluationOptions) {
  let prepared: Evaluation | undefined;
  let evaluatedAt = -1;
  const lastEvaluation: Record<string, number> = {};
  const evaluate = async (step: number, epoch: number) => {
    if (!prepared || evaluatedAt === step) return;
    evaluatedAt = step;
    const metrics = prepared.evaluate(sampler(gan));
    await appendRecord(join(runDir, 'eval.jsonl'), [
      JSON.stringify({ step, epoch, network: prepared.network, ...metrics }),
    ]);
    const timestamp = Date.now();
    await log.track(Object.entries(metrics).map(([key, value]) => ({ key, value, step, timestamp })));
    if (progress) process.stderr.write(`evaluation at step ${step}: ${formatMetrics(metrics)}\n`);
    Object.assign(lastEvaluation, metrics);
  };

  const schedule: Callback = {
    async onRunStart() {
      prepared = await prepareEvaluation(experiment, config, warn);
      if (resumed) return;
      // The floor, once per run: the classifier's test accuracy and real training images measured as G's will be.
      const timestamp = Date.now();
      await log.track(Object.entries(prepared.floor).map(([key, value]) => ({ key, value, step: 0, timestamp })));
    },
    async onStepEnd(state) {
      if (config.every_steps > 0 && state.step % config.every_steps === 0) await evaluate(state.step, state.epoch);
    },
    async onEpochEnd(state) {
      if (config.every > 0 && state.epoch % config.every === 0) await evaluate(state.step, state.epoch);
    },
  };
  const final: Callback = {
    onRunEnd: (state) => evaluate(state.step, state.epoch),
  };
  return {
    schedule,
    final,
    /** The metrics of the last evaluation. */
    last: () => lastEvaluation,
    dispose: () => prepared?.dispose(),
  };
}

function formatMetrics(metrics: Record<string, number>): string {
  return Object.entries(metrics)
    .map(([key, value]) => `${key} ${Number(value.toPrecision(4))}`)
    .join(', ');
}

import { join } from 'node:path';
import { writeFileAtomic } from '../../atomic-files.js';
import type { EvalConfig, SettledExperiment } from '../../config/experiment.js';
import { type Evaluation, prepareEvaluation } from '../../eval/evaluate.js';
import { type Gan, sampler } from '../../models/gan.js';
import type { Tracker } from '../../tracking/tracker.js';
import { appendRecord } from '../run-folder/records.js';
import type { Callback, RunContext } from './callback.js';

export interface EvaluationOptions {
  experiment: SettledExperiment;
  config: EvalConfig;
  runDir: string;
  gan: Gan;
  /**
   * Where the feature network's id (tag gx.eval.network, param eval.network_id) and the floor go, as params: the floor
   * is the same in every run, and as metrics it would only crowd the charts.
   */
  tracker: Pick<Tracker, 'setTags' | 'logParams'>;
  resumed: boolean;
  /** Print each evaluation on stderr. */
  progress: boolean;
  warn: (line: string) => void;
}

/** What the evaluation schedule remembers across a resume: the step it last evaluated, and what it measured. */
interface EvaluationState {
  step: number;
  metrics: Record<string, number>;
}

/**
 * Sample-quality metrics of G (see eval/), to eval.jsonl, the tracker and the run context's latest values:
 * `schedule` evaluates every eval.every epochs and every eval.every_steps steps, `final` once when the run ends (and
 * frees what the evaluation holds). They are two callbacks so that the final evaluation can come after the final
 * checkpoint: a failure in it leaves the whole run to resume from. The schedule's memory is checkpointed: a run
 * resumed at a step it evaluated does not evaluate it again, and reports what was measured there.
 */
export function evaluation({ experiment, config, runDir, gan, tracker, resumed, progress, warn }: EvaluationOptions) {
  let prepared: Evaluation | undefined;
  let last: EvaluationState = { step: -1, metrics: {} };
  const evaluate = async (context: RunContext) => {
    const { step, epoch } = context.state;
    if (!prepared || last.step === step) return;
    last = { step, metrics: { ...last.metrics } };
    const metrics = prepared.evaluate(sampler(gan));
    await appendRecord(join(runDir, 'eval.jsonl'), [
      JSON.stringify({ step, epoch, network: prepared.network, ...metrics }),
    ]);
    const timestamp = Date.now();
    await context.track(Object.entries(metrics).map(([key, value]) => ({ key, value, step, timestamp })));
    if (progress) process.stderr.write(`evaluation at step ${step}: ${formatMetrics(metrics)}\n`);
    Object.assign(last.metrics, metrics);
    Object.assign(context.latest.evaluation, metrics);
  };
  const dispose = async () => {
    prepared?.dispose();
    prepared = undefined;
  };

  const schedule: Callback = {
    key: 'evaluation',
    state: () => last,
    restore(saved) {
      last = saved as EvaluationState;
    },
    async onRunStart(context) {
      Object.assign(context.latest.evaluation, last.metrics);
      prepared = await prepareEvaluation(experiment, config, warn);
      // Every value means something only with the network it came from: the run says which, where it is searched.
      await tracker.setTags({ 'gx.eval.network': prepared.network });
      if (resumed) return;
      // The floor, once per run: the classifier's test accuracy and real training images measured as G's will be.
      // A reference, not a curve: params (floor.real_fid, ...) and floor.json in the run folder.
      const { network, floor } = prepared;
      await writeFileAtomic(join(runDir, 'floor.json'), JSON.stringify({ network, ...floor }));
      const floorParams = Object.entries(floor).map(([key, value]) => [`floor.${key}`, String(value)]);
      await tracker.logParams({ 'eval.network_id': network, ...Object.fromEntries(floorParams) });
    },
    async onStepEnd(context) {
      if (config.every_steps > 0 && context.state.step % config.every_steps === 0) await evaluate(context);
    },
    async onEpochEnd(context) {
      if (config.every > 0 && context.state.epoch % config.every === 0) await evaluate(context);
    },
    onRunFailed: dispose,
  };
  const final: Callback = {
    async onRunEnd(context) {
      try {
        if (!context.hurryRequested()) await evaluate(context);
      } finally {
        await dispose();
      }
    },
  };
  return { schedule, final };
}

function formatMetrics(metrics: Record<string, number>): string {
  return Object.entries(metrics)
    .map(([key, value]) => `${key} ${Number(value.toPrecision(4))}`)
    .join(', ');
}

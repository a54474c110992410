import { join } from 'node:path';
import type { ResolvedExperiment } from '../../config/experiment.js';
import { loggedSteps } from '../../tracking/logged-steps.js';
import { experimentParams } from '../../tracking/params.js';
import type { MetricPoint, Tracker } from '../../tracking/tracker.js';
import type { StepMetrics } from '../loop/steps.js';
import { appendRecord } from '../run-folder/records.js';
import { bestEffort } from './best-effort.js';
import type { Callback } from './callback.js';
import type { MetricsSink } from './run-context.js';

export interface MetricsLogOptions {
  experiment: ResolvedExperiment;
  runDir: string;
  tracker: Tracker;
  /** A resumed run: its params are logged already, and steps trained again are not logged twice. */
  resumed: boolean;
  warn: (line: string) => void;
}

/** The metrics log is the run's metrics sink (the run context's track, flush, flushed) as well as a callback. */
export type MetricsLog = Callback & MetricsSink;

/**
 * The run's params, and every step's metrics to history.jsonl and the tracker. Metrics are kept in memory for up to
 * 100 steps or 5 seconds and written in one go, off the step path. A batch is taken out before it is written and
 * put back if the write fails: never written twice, never dropped.
 */
export function metricsLog({ experiment, runDir, tracker, resumed, warn }: MetricsLogOptions): MetricsLog {
  const historyFile = join(runDir, 'history.jsonl');
  let history: string[] = [];
  let points: MetricPoint[] = [];
  let lastFlush = Date.now();
  // MLflow keeps every value logged: a step trained again after a resume is not logged again.
  let logged: Map<string, number> | undefined;
  let loggedUnsure = false;
  const recorded = { store: tracker.store, runId: tracker.runId };
  // The last point recorded of each metric, as it was sent.
  const latest = new Map<string, MetricPoint>();

  // Points logged at once (an evaluation's), each step of a metric once (see logged-steps.ts).
  const track = async (batch: MetricPoint[]) => {
    // A failed write may have reached part of the store: read again what it holds.
    if (loggedUnsure) logged = await loggedSteps({ store: tracker.store, runId: tracker.runId }, runDir);
    logged ??= new Map();
    const known = logged;
    const fresh = batch.filter(({ key, step }) => step > (known.get(key) ?? -1));
    loggedUnsure = true;
    await tracker.logMetrics(fresh);
    loggedUnsure = false;
    for (const { key, step } of fresh) known.set(key, Math.max(step, known.get(key) ?? -1));
    for (const point of fresh) if (point.step >= (latest.get(point.key)?.step ?? -1)) latest.set(point.key, point);
  };
  const flush = async () => {
    const lines = history;
    history = [];
    await appendRecord(historyFile, lines).catch((error) => {
      history = lines.concat(history);
      throw error;
    });
    const batch = points;
    points = [];
    if (batch.length > 0) {
      await track(batch).catch((error) => {
        points = batch.concat(points);
        throw error;
      });
    }
    lastFlush = Date.now();
  };

  return {
    flush,
    flushed: () => history.length === 0 && points.length === 0,
    latestPoints: () => [...latest.values()],
    track,
    async onRunStart() {
      if (resumed) logged = await loggedSteps(recorded, runDir);
      else await tracker.logParams(experimentParams(experiment));
    },
    async onStepEnd({ state }, metrics) {
      const timestamp = Date.now();
      history.push(JSON.stringify({ step: state.step, epoch: state.epoch, time: timestamp, ...finite(metrics) }));
      for (const [key, value] of Object.entries(metrics)) points.push({ key, value, step: state.step, timestamp });
      if (history.length >= 100 || timestamp - lastFlush > 5000) await flush();
    },
    onRunEnd: flush,
    async onRunFailed() {
      await bestEffort(warn, 'write the last metrics', flush);
    },
  };
}

/** JSON has no NaN or Infinity: a diverged metric is written as a string, never dropped. */
function finite(metrics: StepMetrics): Record<string, number | string> {
  return Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, Number.isFinite(v) ? v : String(v)]));
}

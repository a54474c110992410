import type { MetricPoint } from '../../tracking/tracker.js';
import type { TrainingState } from '../loop/training-state.js';
import type { Callback, RunContext } from './callback.js';

/** Where a run's metrics go: the metrics log (metrics-log.ts) in a run; nowhere in a bare training loop. */
export interface MetricsSink {
  track(points: MetricPoint[]): Promise<void>;
  flush(): Promise<void>;
  flushed(): boolean;
  /** The last point recorded of each metric. */
  latestPoints?(): MetricPoint[];
}

const nowhere: MetricsSink = { track: async () => {}, flush: async () => {}, flushed: () => true };

export interface RunContextOptions {
  state: TrainingState;
  /** The run's callbacks: those with a key have their state checkpointed. */
  callbacks: readonly Callback[];
  sink?: MetricsSink;
  stopRequested?: () => boolean;
  hurryRequested?: () => boolean;
}

/** The context one run's trainer and callbacks share (see callback.ts). Two callbacks with one key are refused. */
export function runContext({
  state,
  callbacks,
  sink = nowhere,
  stopRequested = () => false,
  hurryRequested = () => false,
}: RunContextOptions) {
  const keyed = callbacks.filter((callback) => callback.key !== undefined);
  const keys = new Set(keyed.map(({ key }) => key));
  if (keys.size !== keyed.length) throw new Error(`two callbacks share a key: ${keyed.map(({ key }) => key)}`);
  const context: RunContext = {
    state,
    latest: { step: {}, evaluation: {} },
    scheduled: [],
    track: (points) => sink.track(points),
    flush: () => sink.flush(),
    latestPoints: () => sink.latestPoints?.() ?? [],
    flushed: () => sink.flushed(),
    stopRequested,
    hurryRequested,
    callbackStates: () => Object.fromEntries(keyed.map((callback) => [callback.key, callback.state?.()])),
  };
  return context;
}

/**
 * Gives each keyed callback the state a checkpoint kept for it. A state no callback claims is said on `warn` (the
 * run goes on without it); a callback with no state saved (a checkpoint from before it existed) starts afresh.
 */
export function restoreCallbackStates(
  callbacks: readonly Callback[],
  saved: Record<string, unknown>,
  warn: (line: string) => void,
): void {
  const byKey = new Map(callbacks.filter(({ key }) => key !== undefined).map((callback) => [callback.key, callback]));
  for (const [key, state] of Object.entries(saved)) {
    const callback = byKey.get(key);
    if (callback?.restore) callback.restore(state);
    else warn(`the checkpoint holds a state for "${key}", which this run has no use for: ignored`);
  }
}

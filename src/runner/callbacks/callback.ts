import type { MetricPoint } from '../../tracking/tracker.js';
import type { StepMetrics } from '../loop/steps.js';
import type { TrainingState } from '../loop/training-state.js';
import type { SideEffectCost } from '../progress/eta.js';
import type { Schedule } from './schedule.js';

/** How a run failed: the error as thrown, and whether training stood between two steps (a state worth keeping). */
export interface RunFailure {
  error: unknown;
  betweenSteps: boolean;
}

/**
 * One side effect of training (a log, a schedule, a guard), told what the trainer does (PyTorch Lightning's
 * callbacks, with gx's five events). The trainer awaits each hook, callback by callback in list order.
 * A hook that throws fails the run; `onRunFailed` should not throw (the trainer ignores what it throws).
 *
 * A callback with a `key` keeps what `state()` returns (a JSON value) in every checkpoint, and is given it back by
 * `restore()` when the run resumes: its memory (an evaluation schedule's, an adaptive augmentation's p) goes on
 * exactly where the checkpoint left it, also after kill -9.
 */
export interface Callback {
  key?: string;
  state?(): unknown;
  restore?(state: unknown): void;
  onRunStart?(context: RunContext): Promise<void>;
  onStepEnd?(context: RunContext, metrics: StepMetrics): Promise<void>;
  /** After each full epoch, with the means of the epoch's step metrics. */
  onEpochEnd?(context: RunContext, means: StepMetrics): Promise<void>;
  onRunEnd?(context: RunContext): Promise<void>;
  onRunFailed?(context: RunContext, failure: RunFailure): Promise<void>;
}

/**
 * What the trainer and the callbacks of one run share: values one callback makes and another reads go through here,
 * not through closures handed from one callback to another (see run-context.ts).
 */
export interface RunContext {
  /** Where training stands; the trainer moves it on. */
  readonly state: TrainingState;
  /**
   * The run's latest values: the last step's metrics (set by the trainer), the last evaluation's, and the test
   * rows of the epoch that just ended (undefined until they are measured) and how many test images they measured.
   */
  readonly latest: {
    step: StepMetrics;
    evaluation: Record<string, number>;
    test?: StepMetrics;
    testImages?: { measured: number; of: number };
  };
  /** The side effects on a schedule, with what they cost so far: what the progress line's ETA projects. */
  readonly scheduled: { schedule: Schedule; cost: SideEffectCost }[];
  /** How the run ended, once it has (the run record says so when the run ends). */
  outcome?: 'FINISHED' | 'STOPPED';
  /** Records values measured beside the steps (an evaluation, test rows) at once; each metric's step once. */
  track(points: MetricPoint[]): Promise<void>;
  /** The last point recorded of each metric (the logged model carries them). */
  latestPoints(): MetricPoint[];
  /** Writes the buffered step metrics (history.jsonl and the tracker). */
  flush(): Promise<void>;
  /** Whether nothing is left buffered (a failed flush keeps its batch). */
  flushed(): boolean;
  /** Whether the user asked the run to stop (Ctrl-C): the trainer checks it before each generator step. */
  stopRequested(): boolean;
  /**
   * Whether the user asked again (a second Ctrl-C): the run ends fast, without the side effects that only look back
   * (the final grid, the GIF, the final evaluation), but with its checkpoint and record.
   */
  hurryRequested(): boolean;
  /** Every keyed callback's state, by key: what a checkpoint stores. */
  callbackStates(): Record<string, unknown>;
}

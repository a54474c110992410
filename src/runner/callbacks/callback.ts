import type { StepMetrics } from '../loop/steps.js';
import type { TrainingState } from '../run-folder/checkpoint.js';

/** How a run failed: the error as thrown, and whether training stood between two steps (a state worth keeping). */
export interface RunFailure {
  error: unknown;
  betweenSteps: boolean;
}

/**
 * One side effect of training (a log, a schedule, a guard), told what the trainer does (PyTorch Lightning's
 * callbacks, with gx's five events). The trainer awaits each hook, callback by callback in list order.
 * A hook that throws fails the run; `onRunFailed` should not throw (the trainer ignores what it throws).
 */
export interface Callback {
  onRunStart?(state: TrainingState): Promise<void>;
  onStepEnd?(state: TrainingState, metrics: StepMetrics): Promise<void>;
  /** After each full epoch, with the means of the epoch's step metrics. */
  onEpochEnd?(state: TrainingState, means: StepMetrics): Promise<void>;
  onRunEnd?(state: TrainingState): Promise<void>;
  onRunFailed?(state: TrainingState, failure: RunFailure): Promise<void>;
}

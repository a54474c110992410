import type { BackendName } from '../backend/backend-names.js';
import type { ResolvedExperiment } from '../config/experiment.js';
import { runName } from '../config/settings.js';
import type { RunProgress } from '../runner/progress/run-progress.js';
import type { Trial } from './trials.js';

/**
 * One trial as the sweep hands it to an executor: plain data (it may be sent to another machine), all a `gx run`
 * of it needs.
 */
export interface TrialTask {
  sweepId: string;
  trial: Trial;
  /** The sweep's MLflow parent run, when created: the trial's run nests under it. */
  parentRunId?: string;
  /** A trial's experiment as planned (no sweep section, --max-steps applied), or a stopped trial's run folder. */
  run: { experiment: ResolvedExperiment } | { resume: string };
  maxSteps?: number;
  backend?: BackendName;
}

/** How a trial ended: its run's result, or the error that failed (or stopped) it before it had one. */
export type TrialOutcome =
  /** A queued trial's run folder is on its worker's machine: it has its MLflow run only. */
  | { status: 'FINISHED' | 'STOPPED'; runDir?: string; runId?: string; metrics: Record<string, number> }
  | { status: 'FAILED' | 'STOPPED'; error: string };

/** What an executor tells the sweep of each trial it runs. */
export interface TrialListener {
  /** The trial has started (its process, wherever it runs, has it). */
  started(task: TrialTask): Promise<void>;
  /** Where the trial's run stands, as often as its process says (about once a second), while it trains. */
  progress?(task: TrialTask, progress: RunProgress): void;
  ended(task: TrialTask, outcome: TrialOutcome): Promise<void>;
  /**
   * False once the sweep starts no more trials (`--fail-fast` after a failure): an executor that handed its trials
   * out ahead (a queue) takes back those not started yet, which stay PENDING for a resumed sweep.
   */
  startsMore(): boolean;
}

/**
 * Runs a sweep's trials: local processes (local-executor.ts), or elsewhere. The executor asks `next` for a trial
 * each time it has room for one and stops asking when it gives none (the sweep decides what runs and when to stop
 * starting; the executor only how many at once, and where). Aborting `stop` asks each running trial, once, to stop
 * cleanly: it checkpoints and ends STOPPED, and a resumed sweep continues it. Resolves when no trial is running.
 */
export interface TrialExecutor {
  run(next: () => Promise<TrialTask | undefined>, listener: TrialListener, stop: AbortSignal): Promise<void>;
}

/**
 * A new trial's run name and tags. The sweep's bookkeeping goes into tags, not into the experiment: its params are
 * its settings only. Named by what the trial varies and nothing else (`lr=0.0002`, `loss=lsgan`), so a runs table
 * cut to a column's width still shows what differs; the parent's name says the sweep.
 */
export function trialRun(task: TrialTask, experiment: ResolvedExperiment) {
  const tags: Record<string, string> = { 'gx.sweep': task.sweepId, 'gx.trial': String(task.trial.index) };
  if (task.parentRunId) tags['mlflow.parentRunId'] = task.parentRunId;
  const differences = Object.entries(task.trial.values);
  const name = differences.length > 0 ? runName('', differences) : (experiment.tracking.run_name ?? experiment.name);
  return { runName: name, tags };
}

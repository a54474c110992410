import type { BackendName } from '../backend/backend-names.js';
import type { ResolvedExperiment } from '../config/experiment.js';
import { loadExperiment } from '../config/load.js';
import type { RunProgress } from '../runner/progress/run-progress.js';
import type { Tracker } from '../tracking/tracker.js';
import { trialFile } from './plan.js';
import type { SweepRecord, TrialRecord } from './record.js';
import type { TrialExecutor, TrialListener, TrialOutcome, TrialTask } from './trial-executor.js';

export interface RunTrialsOptions {
  /** Start no more trials after the first one fails. */
  failFast?: boolean;
  maxSteps?: number;
  backend?: BackendName;
  /** Aborted: start no more trials, and ask the running ones to stop cleanly. */
  stop: AbortSignal;
  /** Told as each trial ends, starts, and where its run stands while it trains (about once a second). */
  onTrial?: (trial: TrialRecord) => void;
  onTrialStart?: (trial: TrialRecord) => void;
  onProgress?: (trial: TrialRecord, progress: RunProgress) => void;
}

/**
 * Hands the executor the trials that did not finish or fail, each when it has room for one, and keeps sweep.json up
 * to date with what it reports. Stops handing them out on `stop`, or after a failure with `failFast`.
 */
export async function runTrials(
  sweepDir: string,
  record: SweepRecord,
  parent: Tracker,
  executor: TrialExecutor,
  options: RunTrialsOptions,
  planned: ReadonlyMap<number, ResolvedExperiment>,
  save: () => Promise<void>,
): Promise<void> {
  const queue = record.trials.filter((trial) => trial.status !== 'FINISHED' && trial.status !== 'FAILED');
  let failed = false;
  const startsMore = () => !options.stop.aborted && !(options.failFast === true && failed);
  const next = async (): Promise<TrialTask | undefined> => {
    const trial = queue.shift();
    if (!trial || !startsMore()) return undefined;
    return {
      sweepId: record.id,
      trial: { index: trial.index, values: trial.values },
      // Read as each trial starts: a slow server may create the parent run after the first trials.
      parentRunId: parent.runId,
      // A trial stopped earlier continues from its checkpoint. A resumed sweep has its plan on disk only: a trial
      // that never started is read back from its file.
      run: trial.runDir
        ? { resume: trial.runDir }
        : { experiment: planned.get(trial.index) ?? (await loadExperiment(trialFile(sweepDir, trial))) },
      maxSteps: options.maxSteps,
      backend: options.backend,
    };
  };
  const recordOf = (task: TrialTask) => record.trials.find((trial) => trial.index === task.trial.index) as TrialRecord;
  const listener: TrialListener = {
    async started(task) {
      recordOf(task).status = 'RUNNING';
      await save();
      options.onTrialStart?.(recordOf(task));
    },
    progress(task, progress) {
      options.onProgress?.(recordOf(task), progress);
    },
    async ended(task, outcome) {
      const trial = recordOf(task);
      recordOutcome(trial, outcome);
      failed ||= outcome.status === 'FAILED';
      await save();
      options.onTrial?.(trial);
    },
    startsMore,
  };
  await executor.run(next, listener, options.stop);
}

/** A trial that ran keeps its run; one that could not run keeps what it had, and says why. */
function recordOutcome(trial: TrialRecord, outcome: TrialOutcome): void {
  if ('error' in outcome) trial.error = outcome.error;
  else
    Object.assign(trial, { runDir: outcome.runDir, runId: outcome.runId, metrics: outcome.metrics, error: undefined });
  trial.status = outcome.status;
}

import type { BackendName } from '../backend/backend-names.js';
import type { ResolvedExperiment } from '../config/experiment.js';
import type { Trial } from './trials.js';
import { trialLabel } from './trials.js';

/** The one queue every queued sweep's trials go through; workers take them from it. */
export const TRIAL_QUEUE = 'gx-trials';

/** A queued trial: plain data, all a worker anywhere needs to run it (its experiment names the MLflow server). */
export interface TrialJob {
  sweepId: string;
  trial: Trial;
  parentRunId?: string;
  experiment: ResolvedExperiment;
  maxSteps?: number;
  backend?: BackendName;
}

/** What a worker answers for a trial that finished. */
export interface TrialJobResult {
  runId?: string;
  metrics: Record<string, number>;
}

/**
 * A trial's job id, the same each time the sweep enqueues it (enqueuing again adds nothing), and the id of its MLflow
 * run (gx.run_uid): whichever worker runs it, and however many times, it records into one run.
 */
export function trialJobId(sweepId: string, trialIndex: number): string {
  return `${sweepId}-${trialLabel(trialIndex)}`;
}

/** Why a job ended when its trial was stopped as the sweep asked (it waits, failed, for `gx sweep --resume`). */
export const STOPPED_REASON = 'stopped as the sweep asked';

/** The Redis key a sweep sets to ask the workers to stop its running trials. */
export function stopKey(sweepId: string): string {
  return `gx:stop:${sweepId}`;
}

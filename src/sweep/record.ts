import type { Trial } from './trials.js';

export type TrialStatus = 'PENDING' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'STOPPED';

export interface TrialRecord extends Trial {
  status: TrialStatus;
  runDir?: string;
  runId?: string;
  /** The last step's metrics. */
  metrics?: Record<string, number | string>;
  error?: string;
}

/** sweep.json: what a sweep is and how far it got; `gx sweep --resume` continues from it. */
export interface SweepRecord {
  id: string;
  experiment: string;
  metric: string;
  mode: 'min' | 'max';
  parent: { store: string; runId?: string; experimentId?: string };
  trials: TrialRecord[];
}

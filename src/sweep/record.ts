import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GxError } from '../errors.js';
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

/** Reads a sweep folder's sweep.json; a folder without one is a clear error. */
export async function readSweepRecord(sweepDir: string): Promise<SweepRecord> {
  try {
    return JSON.parse(await readFile(join(sweepDir, 'sweep.json'), 'utf8'));
  } catch {
    throw new GxError(
      'SWEEP_NOT_FOUND',
      `${sweepDir} is not a sweep folder (no sweep.json)`,
      'give the folder `gx sweep` printed',
    );
  }
}

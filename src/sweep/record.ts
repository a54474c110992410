import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GxError } from '../errors.js';
import type { Tracker } from '../tracking/tracker.js';
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

/**
 * Writes sweep.json (whole or not at all) each time it is called. Trials end at any time: their writes take turns.
 * The parent's ids are the tracker's as they are then (a slow server creates the run late).
 */
export function sweepRecordSaver(sweepDir: string, record: SweepRecord, tracker: Tracker): () => Promise<void> {
  let saved = Promise.resolve();
  return () => {
    saved = saved.then(async () => {
      record.parent.runId = tracker.runId;
      record.parent.experimentId = tracker.experimentId;
      await writeFile(join(sweepDir, 'sweep.json.tmp'), JSON.stringify(record, null, 2));
      await rename(join(sweepDir, 'sweep.json.tmp'), join(sweepDir, 'sweep.json'));
    });
    return saved;
  };
}

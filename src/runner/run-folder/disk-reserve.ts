import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileDurably } from '../../atomic-files.js';

/** Enough for run.json, the MLflow run's status and error, the metrics in hand and a small model's checkpoint. */
const RESERVE_BYTES = 1 << 20;

/**
 * Room kept on the run's disk: when it fills up, the reserve is deleted so that gx can still record how the run
 * ended and what it trained, instead of leaving it RUNNING for ever. Returns the release (idempotent).
 */
export async function reserveSpace(runDir: string): Promise<() => Promise<void>> {
  const file = join(runDir, '.reserve');
  await writeFileDurably(file, new Uint8Array(RESERVE_BYTES));
  return () => rm(file, { force: true });
}

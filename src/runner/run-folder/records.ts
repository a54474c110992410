import { readFile } from 'node:fs/promises';
import { appendAllOrNothing, syncFile, writeFileAtomic } from '../../atomic-files.js';

/**
 * A run's JSON-lines records, history.jsonl (a line per step) and eval.jsonl (a line per evaluation): appended all
 * or nothing, so a failed write can be retried without a line twice, and cut back to a checkpoint's step on resume.
 */
export async function appendRecord(file: string, lines: readonly string[]): Promise<void> {
  if (lines.length > 0) await appendAllOrNothing(file, `${lines.join('\n')}\n`);
}

/** Flushes a record to the disk: before a checkpoint says its steps are done, they are on disk. */
export async function syncRecord(file: string): Promise<void> {
  await syncFile(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

/**
 * Keeps the lines of a record up to `step`: on resume the steps after the checkpoint are trained again and recorded
 * anew. A line a crash cut short goes as well.
 */
export async function truncateRecord(file: string, step: number): Promise<void> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (text === undefined) return;
  const kept = text.split('\n').filter((line) => {
    try {
      return line !== '' && JSON.parse(line).step <= step;
    } catch {
      return false;
    }
  });
  const truncated = kept.map((line) => `${line}\n`).join('');
  if (truncated !== text) await writeFileAtomic(file, truncated);
}

import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { GxError } from '../../errors.js';

/** Where run and sweep folders go: the given folder, else $GX_RUNS_DIR, else ./runs. */
export function runsDir(folder?: string): string {
  return resolve(folder ?? process.env.GX_RUNS_DIR ?? 'runs');
}

/**
 * A run's or a sweep's id, which names its folder: the name, the start time to the second (UTC, sortable) and a few
 * random hex digits, so two started in the same second differ: `acgan-mnist-20260101-120000-1a2b`.
 */
export function newRunId(name: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${name}-${stamp}-${randomBytes(2).toString('hex')}`;
}

/** A run folder's run.json. */
export async function readRunRecord(runDir: string) {
  const file = join(runDir, 'run.json');
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new GxError('RUN_UNREADABLE', `${file}: ${(error as Error).message}`, 'is it a run folder of gx?');
  }
}

/** A run given as a folder, or as an id under the runs folder. */
export async function findRun(run: string, folder?: string): Promise<string> {
  for (const candidate of isAbsolute(run) ? [run] : [resolve(run), join(runsDir(folder), run)]) {
    try {
      await readFile(join(candidate, 'run.json'));
      return candidate;
    } catch {
      // not this one
    }
  }
  throw new GxError(
    'RUN_NOT_FOUND',
    `no run "${run}" (looked for ${run}/run.json and ${join(runsDir(folder), run)}/run.json)`,
    'give a run folder or the id `gx run` printed',
  );
}

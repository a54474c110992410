import { randomBytes } from 'node:crypto';
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GxError } from '../../errors.js';

/**
 * One gx at a time trains a run: `gx run` and `gx run --resume` hold <run>/run.lock, which names their pid, while
 * they work on the run folder. A lock whose process is gone (kill -9, a crash, a reboot) is taken over.
 * Returns the release.
 */
export async function lockRun(runDir: string): Promise<() => Promise<void>> {
  const lock = join(runDir, 'run.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    // Written whole under another name, then linked: nobody ever reads a lock without its pid.
    const mine = `${lock}.${randomBytes(4).toString('hex')}`;
    await writeFile(mine, `${process.pid}\n`);
    try {
      await link(mine, lock);
      return () => rm(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await rm(mine, { force: true });
    }
    const held = await readFile(lock, 'utf8').catch(() => '');
    const pid = Number.parseInt(held, 10);
    if (pid > 0 && running(pid)) {
      throw new GxError(
        'RUN_LOCKED',
        `${runDir} is in use by gx (pid ${pid})`,
        `wait for it to end or stop it (kill ${pid}); if no gx uses the run, delete ${lock}`,
      );
    }
    // Its process is gone. Removed only if it is still that lock: another gx may be taking it over as well.
    if ((await readFile(lock, 'utf8').catch(() => '')) === held) await rm(lock, { force: true });
  }
  throw new GxError(
    'RUN_LOCKED',
    `${runDir}: could not take its lock ${lock}`,
    'another gx is starting on this run; try again',
  );
}

/** The pid of the live process that holds a run's lock; undefined when none does. */
export async function lockHolder(runDir: string): Promise<number | undefined> {
  const pid = Number.parseInt(await readFile(join(runDir, 'run.lock'), 'utf8').catch(() => ''), 10);
  return pid > 0 && running(pid) ? pid : undefined;
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}

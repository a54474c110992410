import { randomBytes } from 'node:crypto';
import { appendFile, link, lstat, open, rename, rm, stat, truncate } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileKind } from './core/file-kind.js';
import { GxError } from './errors.js';

/**
 * Writes a file so that a crash (kill -9, a power cut) leaves the old content or the new, never a mix or nothing:
 * the new content goes to a temporary name beside the file and is flushed to the disk, then renamed over the old
 * (a rename within a folder is atomic on POSIX), and the folder is flushed so that the rename survives too.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, scratch?: string): Promise<void> {
  // `scratch`: another folder of the same disk, where the folder's readers must not see a stray file (MLflow reads
  // every file in a run's params/ as a param).
  const temporary = scratch
    ? join(scratch, `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`)
    : `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFileDurably(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw naming(error, path, temporary);
  }
  await syncFolder(dirname(path));
}

/**
 * Writes a file the user named (-o) whole or not at all, only to a new path or, when `replace`, over a regular file:
 * a device, a FIFO, a symlink or a folder is refused, never replaced by a regular file.
 */
export async function writeOutputFile(path: string, data: string | Uint8Array, replace: boolean): Promise<void> {
  const found = await lstat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (found && !found.isFile() && !found.isDirectory()) {
    throw new GxError(
      'OUTPUT_NOT_A_FILE',
      `${path} is ${fileKind(found)}: gx writes only to a regular file or a new path`,
      'give another -o',
    );
  }
  if (found && !replace) throw outputExists(path);
  const temporary = `${join(dirname(path), `.${basename(path)}`)}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFileDurably(temporary, data);
    // A link fails when the name exists (made meanwhile), where a rename would replace it.
    if (replace) await rename(temporary, path);
    else await link(temporary, path);
    await syncFolder(dirname(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw outputExists(path);
    throw naming(error, path, temporary);
  } finally {
    await rm(temporary, { force: true }).catch(() => {});
  }
}

function outputExists(path: string): GxError {
  return new GxError('OUTPUT_EXISTS', `${path} already exists`, 'give another -o, or --force to overwrite it');
}

/** Writes a file and flushes it to the disk before returning (for files in a folder not yet in place). */
export async function writeFileDurably(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    throw naming(error, path);
  } finally {
    await handle.close();
  }
}

/** Flushes a file already written (appended to) to the disk. */
export async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes a folder's entries (new names, renames) to the disk. */
export async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems cannot fsync a folder (EINVAL); their renames are as durable as they get.
    if ((error as NodeJS.ErrnoException).code !== 'EINVAL') throw error;
  } finally {
    await handle.close();
  }
}

/**
 * Appends text all or nothing: when the write fails part way (a full disk), the file is cut back to its length
 * before, so that the text can be appended again later without half a line, or a line twice.
 */
export async function appendAllOrNothing(path: string, text: string): Promise<void> {
  const before = await stat(path).then(
    (found) => found.size,
    () => undefined,
  );
  try {
    await appendFile(path, text);
  } catch (error) {
    if (before === undefined) await rm(path, { force: true }).catch(() => {});
    else await truncate(path, before).catch(() => {});
    throw naming(error, path);
  }
}

/**
 * A write to an open file fails without the file's name (ENOSPC, EIO), and one to gx's temporary name names that:
 * the error gets the name the user knows, for its message.
 */
function naming(error: unknown, path: string, temporary?: string): unknown {
  const system = error as NodeJS.ErrnoException & { dest?: string };
  if (typeof system?.code !== 'string') return error;
  if (system.path === undefined || system.path === temporary) [system.path, system.dest] = [path, undefined];
  return error;
}

/**
 * Puts `staged`, a complete folder written and flushed beside `folder`, in its place, so that at every instant a
 * complete copy exists under a known name: `folder`, else `staged` (when complete), else `<folder>.old`.
 * recoverFolder() finishes a replacement that a crash interrupted.
 */
export async function replaceFolder(staged: string, folder: string): Promise<void> {
  const old = `${folder}.old`;
  if (await exists(folder)) {
    await rm(old, { recursive: true, force: true });
    await rename(folder, old);
  }
  await rename(staged, folder);
  await syncFolder(dirname(folder));
  await rm(old, { recursive: true, force: true });
}

/**
 * Completes a replaceFolder() that was interrupted: when `folder` is missing, the staged copy takes its place if it
 * is complete, else the old one. Returns false when there is no copy at all.
 */
export async function recoverFolder(
  staged: string,
  folder: string,
  isComplete: (candidate: string) => Promise<boolean>,
): Promise<boolean> {
  if (await exists(folder)) return true;
  const old = `${folder}.old`;
  const source = (await exists(staged)) && (await isComplete(staged)) ? staged : (await exists(old)) ? old : undefined;
  if (!source) return false;
  await rename(source, folder);
  await syncFolder(dirname(folder));
  await rm(source === staged ? old : staged, { recursive: true, force: true });
  return true;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

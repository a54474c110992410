import { accessSync, constants, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { GxError } from './errors.js';

const freeSpace =
  'free some space there, or write elsewhere (--runs-dir, $GX_CACHE_DIR, tracking.uri, -o); `gx run --resume <run>` continues a run from its last checkpoint';
const elsewhere =
  'write somewhere writable: --runs-dir or $GX_RUNS_DIR for runs, $GX_CACHE_DIR for the cache, -o for outputs';

/** Node's system error codes that the environment causes, as a reason and what to do about it. */
const REASONS: Record<string, [reason: string, hint: string]> = {
  ENOSPC: ['no space left on the device', freeSpace],
  EDQUOT: ['disk quota exceeded', freeSpace],
  EFBIG: ['file too large for this system or its limits (ulimit -f)', 'raise the file size limit, or write elsewhere'],
  EROFS: ['read-only file system', elsewhere],
  EACCES: ['permission denied', `check the permissions, or ${elsewhere}`],
  EPERM: ['operation not permitted', `check the permissions, or ${elsewhere}`],
  EISDIR: ['is a folder, not a file', 'give the path of a file'],
  ENOTDIR: ['a part of the path is a file, not a folder', 'check the path'],
  ENOENT: ['no such file or folder', 'check the path'],
  ENAMETOOLONG: ['the name is too long for the file system', 'use a shorter name or path'],
  EMFILE: ['too many open files', 'raise the limit (ulimit -n), or run fewer gx at once'],
  ENFILE: ['too many open files on the system', 'close other programs, or run fewer gx at once'],
  EIO: ['input/output error from the device', 'check the disk (dmesg)'],
  EEXIST: ['already exists', 'give another path, or move that one away'],
  ENOTEMPTY: ['folder not empty', 'move it away first'],
  EBUSY: ['busy (in use)', 'wait for whatever uses it, then try again'],
  ENOMEM: ['out of memory', 'use smaller values (batch_size, eval.samples, --count), or free memory'],
};

/**
 * A file system error of Node (a full disk, a read-only folder, a missing folder) as a GxError: one line naming the
 * path, and a hint. Undefined for anything else, which is a bug in gx.
 */
export function describeSystemError(error: unknown): GxError | undefined {
  const { code, path, dest, syscall } = (error ?? {}) as NodeJS.ErrnoException & { dest?: string };
  if (typeof code !== 'string' || typeof syscall !== 'string' || !(code in REASONS)) return undefined;
  if (path === undefined) return new GxError(code, `${syscall}: ${REASONS[code][0]}`, REASONS[code][1]);
  const [actualCode, reason] = diagnose(code, syscall, path);
  const where = dest && actualCode !== 'ENOENT' ? `${path} -> ${dest}` : path;
  return new GxError(actualCode, `${where}: ${reason}`, REASONS[actualCode][1]);
}

/** A missing folder says "no such folder"; mkdir -p on a read-only disk fails with ENOENT: its real cause is found. */
function diagnose(code: string, syscall: string, path: string): [string, string] {
  if (code !== 'ENOENT') return [code, REASONS[code][0]];
  let parent = syscall === 'mkdir' ? path : dirname(path);
  if (existsSync(parent)) return [code, REASONS[code][0]];
  while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent);
  try {
    accessSync(parent, constants.W_OK);
  } catch (error) {
    const cause = (error as NodeJS.ErrnoException).code;
    if (cause && cause in REASONS) return [cause, REASONS[cause][0]];
  }
  return [code, 'no such folder'];
}

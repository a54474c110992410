import { randomUUID } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Writes `path` whole or not at all: the bytes go to a temporary file in `scratch` (same file system; by default
 * beside `path`), are fsynced, and the file is renamed over `path`, then the folder is fsynced so the rename lasts.
 * A crash leaves the old file or the new one, never half of one (at worst a stray `.gx-tmp-*` in `scratch`).
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, scratch = dirname(path)): Promise<void> {
  const temporary = join(scratch, `.gx-tmp-${randomUUID()}`);
  const file = await open(temporary, 'w');
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  const folder = await open(dirname(path), 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

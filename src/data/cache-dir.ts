import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Where gx keeps downloaded datasets and trained classifiers: $GX_CACHE_DIR, else the user's cache folder. */
export function cacheDir(): string {
  // Absolute, so that a relative $GX_CACHE_DIR means the same folder to every process gx starts.
  if (process.env.GX_CACHE_DIR) return resolve(process.env.GX_CACHE_DIR);
  if (process.env.XDG_CACHE_HOME) return join(process.env.XDG_CACHE_HOME, 'gx');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'gx');
  if (process.platform === 'win32') return join(process.env.LOCALAPPDATA ?? homedir(), 'gx', 'Cache');
  return join(homedir(), '.cache', 'gx');
}

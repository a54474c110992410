import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../../src/data/cache-dir.js';

/**
 * A Python with `requirements` installed, in a venv named `name` under gx's cache: made on first use (pip's output
 * shows only when it fails, in the error execFileSync throws), reused while its marker lists the same requirements.
 */
export function venvPython(name: string, requirements: readonly string[]): string {
  const venv = join(cacheDir(), name);
  const python = join(venv, 'bin', 'python');
  const marker = join(venv, 'installed');
  const wanted = requirements.join(' ');
  if (!existsSync(marker) || readFileSync(marker, 'utf8').trim() !== wanted) {
    if (!existsSync(python)) execFileSync('python3', ['-m', 'venv', venv], { stdio: 'pipe' });
    execFileSync(python, ['-m', 'pip', 'install', '--quiet', ...requirements], { stdio: 'pipe' });
    writeFileSync(marker, `${wanted}\n`);
  }
  return python;
}

import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run compiled, from dist/test/...). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `gx` binary, as a user would. */
export function gx(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const result = spawnSync(process.execPath, [join(repoRoot, 'bin/run.js'), ...args], {
    cwd: options.cwd ?? repoRoot,
    // Runs are recorded in the local store of their cwd unless a test says otherwise.
    env: { ...process.env, MLFLOW_TRACKING_URI: '', ...options.env },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function tempDir(prefix = 'gx-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

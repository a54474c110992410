import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../../src/data/cache-dir.js';

/**
 * MLflow's version for the tests. The brief names 3.18.0, but PyPI's mlflow 3.18.0 needs mlflow-skinny 3.18.0,
 * which PyPI does not serve (its newest is 3.17.2): 3.17.2 is the newest that installs.
 */
export const MLFLOW_VERSION = '3.17.2';

/** What the tests install: the server, and its basic-auth app for the credentials test. */
const REQUIREMENT = `mlflow[auth]==${MLFLOW_VERSION}`;

/** A Python with MLflow, installed on first use into a venv under gx's cache (minutes, once per machine). */
export function mlflowPython(): string {
  const venv = join(cacheDir(), `mlflow-${MLFLOW_VERSION}`);
  const python = join(venv, 'bin', 'python');
  const marker = join(venv, 'installed');
  if (!existsSync(marker) || readFileSync(marker, 'utf8').trim() !== REQUIREMENT) {
    // pip's output shows only when it fails (in the error execFileSync throws).
    if (!existsSync(python)) execFileSync('python3', ['-m', 'venv', venv], { stdio: 'pipe' });
    execFileSync(python, ['-m', 'pip', 'install', '--quiet', REQUIREMENT], { stdio: 'pipe' });
    writeFileSync(marker, `${REQUIREMENT}\n`);
  }
  return python;
}

/** Runs Python code with MLflow's client and returns what it prints, parsed as JSON. */
export function mlflowJson(code: string, env: NodeJS.ProcessEnv = {}): unknown {
  const output = execFileSync(mlflowPython(), ['-c', code], {
    encoding: 'utf8',
    env: { ...process.env, MLFLOW_ALLOW_FILE_STORE: 'true', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(output.trim().split('\n').at(-1) ?? 'null');
}

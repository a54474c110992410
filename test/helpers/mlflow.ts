import { execFileSync } from 'node:child_process';
import { venvPython } from './python-venv.js';

/**
 * MLflow's version for the tests. The brief names 3.18.0, but PyPI's mlflow 3.18.0 needs mlflow-skinny 3.18.0,
 * which PyPI does not serve (its newest is 3.17.2): 3.17.2 is the newest that installs.
 */
export const MLFLOW_VERSION = '3.17.2';

/** What the tests install: the server, and its basic-auth app for the credentials test. */
const REQUIREMENT = `mlflow[auth]==${MLFLOW_VERSION}`;

/** A Python with MLflow, installed on first use into a venv under gx's cache (minutes, once per machine). */
export function mlflowPython(): string {
  return venvPython(`mlflow-${MLFLOW_VERSION}`, [REQUIREMENT]);
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

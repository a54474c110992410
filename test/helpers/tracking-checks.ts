import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type CliResult, repoRoot } from './cli.js';
import { ADMIN } from './mlflow-server.js';

export interface RunInfo {
  info: { run_id: string; status: string; run_name?: string };
  data: { params?: { key: string; value: string }[]; tags?: { key: string; value: string }[] };
}

/** MLflow's REST API as the tests' own client, with the admin's basic auth (ignored by a server without auth). */
export async function api<T>(server: { uri: string }, endpoint: string, query: Record<string, string>, body?: object) {
  const url = new URL(`${server.uri}/api/2.0/mlflow/${endpoint}`);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const response = await fetch(url, {
    method: body ? 'POST' : 'GET',
    headers: {
      authorization: `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64')}`,
      ...(body && { 'content-type': 'application/json' }),
    },
    body: body && JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${endpoint}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Every run of an experiment on the server (none when the experiment does not exist). */
export async function runsOf(server: { uri: string }, experiment: string): Promise<RunInfo[]> {
  const found = await api<{ experiment: { experiment_id: string } }>(server, 'experiments/get-by-name', {
    experiment_name: experiment,
  }).catch(() => undefined);
  if (!found) return [];
  const body = { experiment_ids: [found.experiment.experiment_id] };
  const { runs } = await api<{ runs?: RunInfo[] }>(server, 'runs/search', {}, body);
  return runs ?? [];
}

/** Every file under `dirs` (binary ones too) that holds `needle`: where a password must never be. */
export function filesContaining(dirs: string[], needle: string): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
    else if (readFileSync(path).includes(needle)) found.push(path);
  };
  for (const dir of dirs) walk(dir);
  return found;
}

export function assertNoSecret(secret: string, dirs: string[], ...outputs: CliResult[]) {
  assert.deepEqual(filesContaining(dirs, secret), []);
  for (const output of outputs) {
    assert.ok(!output.stdout.includes(secret), output.stdout);
    assert.ok(!output.stderr.includes(secret), output.stderr);
  }
}

/**
 * `gx` as a child process (a proxy in the test's own event loop would be blocked by spawnSync), killed after
 * `limitMs` if it has not ended.
 */
export function gxChild(args: string[], cwd: string, env: NodeJS.ProcessEnv, limitMs = 60_000) {
  const child = spawn(process.execPath, [join(repoRoot, 'bin/run.js'), ...args], {
    cwd,
    env: { ...process.env, MLFLOW_TRACKING_URI: '', ...env },
  });
  const result: CliResult = { status: null, stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => (result.stdout += chunk));
  child.stderr.on('data', (chunk) => (result.stderr += chunk));
  const guard = setTimeout(() => child.kill('SIGKILL'), limitMs);
  const exited = new Promise<CliResult>((resolve) =>
    child.on('exit', (status) => {
      clearTimeout(guard);
      resolve({ ...result, status });
    }),
  );
  return { child, result, exited };
}

import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { tempDir } from './cli.js';
import { mlflowPython } from './mlflow.js';

/** The admin account of MLflow's basic-auth app, as it is created on first start. */
export const ADMIN = { username: 'admin', password: 'gx-test-admin-password' };

export interface MlflowServer {
  readonly uri: string;
  /** Its folder: the SQLite database, the artifacts and the log. */
  readonly dir: string;
  /** Kills the server at once, as a crash would (its database stays). */
  kill(): void;
  /** Starts it again on the same port and database; resolves when it answers. */
  restart(): Promise<void>;
  stop(): void;
}

/**
 * A real `mlflow server` on a free loopback port, with a SQLite store and proxied artifacts in a temporary folder,
 * as a user would run it. `auth` starts MLflow's basic-auth app in front of it.
 */
export async function startMlflowServer(options: { auth?: boolean } = {}): Promise<MlflowServer> {
  const dir = tempDir('gx-mlflow-server-');
  const port = await freePort();
  const uri = `http://127.0.0.1:${port}`;
  const mlflow = join(dirname(mlflowPython()), 'mlflow');
  let child: ChildProcess | undefined;
  const start = async () => {
    mkdirSync(dir, { recursive: true });
    const log = createWriteStream(join(dir, 'server.log'), { flags: 'a' });
    // prettier-ignore
    const args = [
      'server',
      '--backend-store-uri',
      `sqlite:///${join(dir, 'mlflow.db')}`,
      '--artifacts-destination',
      join(dir, 'artifacts'),
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--workers',
      '1',
      ...(options.auth ? ['--app-name', 'basic-auth'] : []),
    ];
    // Its own process group, so that kill() takes the web workers with it.
    child = spawn(mlflow, args, {
      cwd: dir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      // The basic-auth app creates its admin on first start with this password, and needs a CSRF key. MLflow's job
      // runner (GenAI scorers, which gx does not use) is off: its eight Python processes take about 25 CPU-seconds
      // as they start, which the tests and benchmarks beside them would pay on a machine of two cores.
      env: {
        ...process.env,
        MLFLOW_AUTH_ADMIN_PASSWORD: ADMIN.password,
        MLFLOW_FLASK_SERVER_SECRET_KEY: 'gx-tests',
        MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false',
      },
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    await waitForHealth(uri, child, join(dir, 'server.log'));
  };
  const kill = () => {
    if (child?.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    child = undefined;
  };
  await start();
  return { uri, dir, kill, restart: start, stop: kill };
}

async function waitForHealth(uri: string, child: ChildProcess, log: string): Promise<void> {
  for (const deadline = Date.now() + 180_000; Date.now() < deadline; await sleep(250)) {
    if (child.exitCode !== null) throw new Error(`mlflow server exited with ${child.exitCode}; see ${log}`);
    try {
      const response = await fetch(`${uri}/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
  }
  throw new Error(`mlflow server did not answer /health within 3 minutes; see ${log}`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Calls MLflow's REST API directly (not through gx's client): what the server itself reports. */
export async function mlflowApi<T>(
  server: { uri: string },
  endpoint: string,
  query: Record<string, string> | undefined = undefined,
  body?: object,
): Promise<T> {
  const url = new URL(`${server.uri}/api/2.0/${endpoint}`);
  for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
  const response = await fetch(url, {
    method: body ? 'POST' : 'GET',
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${endpoint}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

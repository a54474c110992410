import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { tempDir } from './cli.js';
import { freePort } from './mlflow-server.js';

/** Debian's redis-server (.ci/run installs it). */
export const REDIS_SERVER = '/usr/bin/redis-server';

export function redisServerInstalled(): boolean {
  return existsSync(REDIS_SERVER);
}

export interface RedisServer {
  /** redis://:password@127.0.0.1:port */
  readonly url: string;
  readonly port: number;
  stop(): void;
}

/** A real redis-server on a free loopback port, with a password and no persistence, in a temporary folder. */
export async function startRedisServer(password: string): Promise<RedisServer> {
  const port = await freePort();
  const dir = tempDir('gx-redis-');
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--requirepass', password, '--save', '', '--dir', dir];
  const child: ChildProcess = spawn(REDIS_SERVER, args, { stdio: 'ignore' });
  for (const deadline = Date.now() + 10_000; ; await sleep(100)) {
    if (await answers(port)) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not start on ${port}`);
  }
  return {
    url: `redis://:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    port,
    stop: () => child.kill('SIGKILL'),
  };
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

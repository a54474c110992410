import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { availableParallelism, setPriority } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findInstalls, nativeRoot } from '../src/backend/native/layout.js';
import { queueConnection } from '../src/sweep/queue-connection.js';
import { queueExecutor } from '../src/sweep/queue-executor.js';
import { runSweep } from '../src/sweep/sweep.js';
import { paramAsOverride } from '../src/sweep/trials.js';
import { repoRoot, tempDir } from '../test/helpers/cli.js';
import { startMlflowServer } from '../test/helpers/mlflow-server.js';
import { redisServerInstalled, startRedisServer } from '../test/helpers/redis-server.js';
import { secondsSince, twoAgainstOne } from './speedup.js';

/**
 * Wall-clock seconds of a 4-trial lr sweep of the quickstart through a Redis queue, on one `gx worker` and on two,
 * each of concurrency 1, up and waiting when the clock starts, recording into a real MLflow server. A worker stands
 * for a machine of one core: in a folder and a gx cache of its own (started cold: its data and reference statistics
 * are its own to make), on native TensorFlow pinned to a core of its own (`taskset`), installed as a machine's image
 * would have it. Without native TensorFlow the workers train on wasm (one thread each, unpinned), whose two trials
 * at once share this machine's memory bandwidth as two machines would not.
 */
export async function benchQueuedSweep(steps: number) {
  if (!redisServerInstalled()) return { skipped: 'no /usr/bin/redis-server (apt-get install redis-server)' };
  const native = (await findInstalls()).some((install) => install.unusable === undefined);
  const pinned = native && existsSync('/usr/bin/taskset') && availableParallelism() >= 2;
  const file = fileURLToPath(new URL('../../experiments/quickstart.yaml', import.meta.url));
  const [mlflow, redis] = await Promise.all([startMlflowServer(), startRedisServer('gx-bench')]);
  try {
    const timed = await twoAgainstOne('workers', async (count) => {
      const workers = Array.from({ length: count }, (_, core) => {
        const cwd = tempDir('gx-bench-worker-');
        const cache = join(cwd, 'cache');
        mkdirSync(cache);
        if (native) symlinkSync(nativeRoot(), join(cache, 'native'));
        const env = { ...process.env, GX_CACHE_DIR: cache, MLFLOW_TRACKING_URI: mlflow.uri };
        const worker = [join(repoRoot, 'bin/run.js'), 'worker', '--queue', redis.url];
        const args = [...worker, '--backend', native ? 'tensorflow' : 'wasm'];
        const stdio: StdioOptions = ['ignore', 'ignore', 'pipe'];
        const child = pinned
          ? spawn('taskset', ['-c', String(core), process.execPath, ...args], { cwd, env, stdio })
          : spawn(process.execPath, args, { cwd, env, stdio });
        // Below the MLflow server, Redis and the sweep, which a cluster runs on machines of their own: on these
        // cores they still answer at once, and take only the CPU they use.
        if (child.pid !== undefined) setPriority(child.pid, 10);
        return { child, exited: new Promise((resolve) => child.on('close', resolve)), waiting: waitingFor(child) };
      });
      // The clock starts with the workers up and waiting, as a cluster's are when a sweep comes.
      await Promise.all(workers.map((worker) => worker.waiting));
      const overrides = [paramAsOverride('train.optimizer.g.lr=1e-4,2e-4,4e-4,8e-4'), `tracking.uri=${mlflow.uri}`];
      const start = performance.now();
      const { record } = await runSweep(file, overrides, {
        maxSteps: steps,
        runsDir: tempDir(),
        executor: (sweepDir, store) =>
          queueExecutor({ queue: queueConnection(redis.url), sweepDir, trackingUri: store, log: () => {} }),
      });
      const seconds = secondsSince(start);
      for (const worker of workers) worker.child.kill('SIGTERM');
      await Promise.all(workers.map((worker) => worker.exited));
      if (record.trials.some((trial) => trial.status !== 'FINISHED'))
        throw new Error(`a queued trial failed with ${count} workers`);
      return seconds;
    });
    const backend = native ? `tensorflow${pinned ? ', a core per worker' : ''}` : 'wasm';
    return { trials: 4, steps_per_trial: steps, backend, ...timed };
  } finally {
    mlflow.stop();
    redis.stop();
  }
}

/** Resolves when the worker says it waits for trials; rejects if it exits first. */
function waitingFor(worker: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let said = '';
    worker.stderr?.on('data', (chunk) => {
      said += chunk;
      if (said.includes('waiting for trials')) resolve();
    });
    worker.on('close', (code) => reject(new Error(`a worker exited with ${code} before it took trials: ${said}`)));
  });
}

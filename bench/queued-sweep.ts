import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { queueConnection } from '../src/sweep/queue-connection.js';
import { queueExecutor } from '../src/sweep/queue-executor.js';
import { runSweep } from '../src/sweep/sweep.js';
import { paramAsOverride } from '../src/sweep/trials.js';
import { repoRoot, tempDir } from '../test/helpers/cli.js';
import { startMlflowServer } from '../test/helpers/mlflow-server.js';
import { redisServerInstalled, startRedisServer } from '../test/helpers/redis-server.js';
import { twoAgainstOne } from './speedup.js';

/**
 * Wall-clock seconds of a 4-trial lr sweep of the quickstart through a Redis queue, on one `gx worker` and on two
 * (each of concurrency 1, on wasm, which is one thread: a worker stands for a machine of one core; each in a folder
 * and a gx cache of its own, started cold), recording into a real MLflow server.
 */
export async function benchQueuedSweep(steps: number) {
  if (!redisServerInstalled()) return { skipped: 'no /usr/bin/redis-server (apt-get install redis-server)' };
  const file = fileURLToPath(new URL('../../experiments/quickstart.yaml', import.meta.url));
  const [mlflow, redis] = await Promise.all([startMlflowServer(), startRedisServer('gx-bench')]);
  try {
    const timed = await twoAgainstOne('workers', async (count) => {
      const workers = Array.from({ length: count }, () => {
        const cwd = tempDir('gx-bench-worker-');
        const env = { ...process.env, GX_CACHE_DIR: join(cwd, 'cache'), MLFLOW_TRACKING_URI: mlflow.uri };
        const args = [join(repoRoot, 'bin/run.js'), 'worker', '--queue', redis.url, '--backend', 'wasm'];
        const child = spawn(process.execPath, args, { cwd, env, stdio: 'ignore' });
        return { child, exited: new Promise((resolve) => child.on('close', resolve)) };
      });
      const overrides = [paramAsOverride('train.optimizer.g.lr=1e-4,2e-4,4e-4,8e-4'), `tracking.uri=${mlflow.uri}`];
      const { record } = await runSweep(file, overrides, {
        maxSteps: steps,
        runsDir: tempDir(),
        executor: (sweepDir, store) =>
          queueExecutor({ queue: queueConnection(redis.url), sweepDir, trackingUri: store, log: () => {} }),
      });
      for (const worker of workers) worker.child.kill('SIGTERM');
      await Promise.all(workers.map((worker) => worker.exited));
      if (record.trials.some((trial) => trial.status !== 'FINISHED'))
        throw new Error(`a queued trial failed with ${count} workers`);
    });
    return { trials: 4, steps_per_trial: steps, ...timed };
  } finally {
    mlflow.stop();
    redis.stop();
  }
}

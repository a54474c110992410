import { Flags } from '@oclif/core';
import { backendNames } from '../backend/backend-names.js';
import { GxCommand } from '../cli/gx-command.js';
import { assertQueueReachable } from '../sweep/queue-checks.js';
import { queueConnection } from '../sweep/queue-connection.js';
import { startQueueWorker } from '../sweep/queue-worker.js';
import { TRIAL_QUEUE } from '../sweep/trial-job.js';

export default class Worker extends GxCommand {
  static override summary = "Run queued sweeps' trials, on this machine, until stopped";
  static override description =
    `Takes trials from the Redis queue that \`gx sweep --queue\` fills and runs each in a process of its own, recording into the MLflow server the sweep names (sign in with MLFLOW_TRACKING_URI or MLFLOW_TRACKING_USERNAME and _PASSWORD). Workers share nothing but Redis and MLflow: each checkpoint of a trial goes to its MLflow run, and a worker that takes over the trial of one that died continues it from there.
SIGTERM or Ctrl-C stops cleanly: each running trial checkpoints and goes back to the queue for any worker; again to quit at once. The Redis login comes from the URL or REDIS_USERNAME and REDIS_PASSWORD, and is never printed.`;
  static override examples = [
    '<%= config.bin %> worker --queue redis://redis:6379',
    'REDIS_PASSWORD=... <%= config.bin %> worker --queue redis://redis.internal:6379/2 --concurrency 2 --backend tensorflow',
  ];
  static override flags = {
    queue: Flags.string({
      description: 'The Redis queue: redis://[user:pass@]host:port[/db]',
      env: 'GX_QUEUE',
      required: true,
    }),
    concurrency: Flags.integer({
      char: 'c',
      description: 'Trials at once, each in its own process',
      default: 1,
      min: 1,
    }),
    backend: Flags.option({ description: "tfjs backend for this machine's trials", options: backendNames })(),
    'lock-seconds': Flags.integer({
      description: 'How soon a trial whose worker died goes to another worker (its lock is renewed at half this)',
      default: 30,
      min: 2,
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Worker);
    const queue = queueConnection(flags.queue);
    await assertQueueReachable(queue);
    const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
    const worker = startQueueWorker({
      queue,
      concurrency: flags.concurrency,
      backend: flags.backend,
      lockMs: flags['lock-seconds'] * 1000,
      log,
    });
    worker.worker.on('error', (error) => log(`queue: ${error.message}`));
    log(`waiting for trials on ${queue.where} (queue ${TRIAL_QUEUE}, ${flags.concurrency} at once)`);
    const stopped = new Promise<void>((resolve) => {
      let asked = false;
      const onSignal = () => {
        if (asked) process.exit(130);
        asked = true;
        log('stopping: each running trial checkpoints and goes back to the queue (again to quit at once)');
        void worker.close().then(resolve);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
    await stopped;
    log('stopped');
  }
}

import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import type { BackendName } from '../backend/backend-names.js';
import type { QueueConnection } from './queue-connection.js';
import { STOPPED_REASON, stopKey, TRIAL_QUEUE, type TrialJob, type TrialJobResult } from './trial-job.js';
import type { TrialReply } from './trial-reply.js';

export interface QueueWorkerOptions {
  queue: QueueConnection;
  /** Trials at once, each in its own process. */
  concurrency: number;
  /** Overrides the trials' backend on this machine. */
  backend?: BackendName;
  /** How long a trial's job stays this worker's without a renewal: a dead worker's trial goes to another after it. */
  lockMs: number;
  log: (line: string) => void;
}

const QUEUED_TRIAL = fileURLToPath(new URL('./queued-trial-process.js', import.meta.url));

/**
 * Takes trials from the queue and runs each in a process of its own; BullMQ renews each job's lock while it runs, and
 * gives the job of a worker that died (its lock not renewed) to another. `close` stops cleanly: each running trial
 * checkpoints and its job goes back to the queue, for any worker to continue from the snapshot.
 */
export function startQueueWorker({ queue, concurrency, backend, lockMs, log }: QueueWorkerOptions) {
  const running = new Set<ChildProcess>();
  let closing = false;
  const worker = new Worker<TrialJob, TrialJobResult>(
    TRIAL_QUEUE,
    async (job, token) => {
      const label = `trial ${job.data.trial.index} of ${job.data.sweepId}`;
      log(`${label}: started (attempt ${job.attemptsMade + 1})`);
      const { code, reply, stoppedBy } = await runTrial(job, backend, running, () => closing);
      if (reply && 'result' in reply && reply.result.status === 'FINISHED') {
        log(`${label}: finished`);
        const { runId } = reply.result.tracking;
        return { runId, metrics: reply.result.metrics };
      }
      const stopped = code === 130 || (reply && 'result' in reply);
      if (stopped && stoppedBy === 'worker') {
        log(`${label}: stopped with its checkpoint, back in the queue`);
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      if (stopped) throw new UnrecoverableError(STOPPED_REASON);
      // The trial's own failure (it diverged, its config cannot train) is the same on every worker: no retry. A
      // crash (killed, out of memory) is retried, from the run's last snapshot.
      if (reply && 'error' in reply) throw new UnrecoverableError(reply.error.message);
      throw new Error(`the trial process exited with ${code}`);
    },
    {
      connection: queue.connection,
      concurrency,
      lockDuration: lockMs,
      stalledInterval: lockMs,
      maxStalledCount: 3,
      name: `${process.env.HOSTNAME ?? 'worker'}:${process.pid}`,
    },
  );
  worker.on('failed', (job, error) => {
    if (job) log(`trial ${job.data.trial.index} of ${job.data.sweepId}: ${error.message}`);
  });
  return {
    worker,
    async close() {
      closing = true;
      for (const child of running) child.kill('SIGINT');
      await worker.close();
    },
  };

  /** Forks the trial; asks it once to stop when its sweep is stopped or this worker closes. */
  async function runTrial(
    job: Job<TrialJob>,
    backendOverride: BackendName | undefined,
    children: Set<ChildProcess>,
    isClosing: () => boolean,
  ): Promise<{ code: number | null; reply?: TrialReply; stoppedBy?: 'sweep' | 'worker' }> {
    // Its own process group: a Ctrl-C in the worker's terminal reaches the worker alone, which asks each trial once.
    const child = fork(QUEUED_TRIAL, [], {
      detached: true,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    children.add(child);
    let reply: TrialReply | undefined;
    let stoppedBy: 'sweep' | 'worker' | undefined;
    child.on('message', (message: TrialReply | { progress: unknown }) => {
      if (!('progress' in message)) reply = message;
    });
    child.send({ ...job.data, backend: backendOverride ?? job.data.backend } satisfies TrialJob);
    const client = await worker.client;
    const watch = setInterval(async () => {
      if (stoppedBy) return;
      if (isClosing()) stoppedBy = 'worker';
      else if ((await client.get(stopKey(job.data.sweepId)).catch(() => null)) !== null) {
        stoppedBy = 'sweep';
        child.kill('SIGINT');
      }
    }, 1000);
    if (isClosing()) child.kill('SIGINT');
    const code = await new Promise<number | null>((done) => child.on('close', done));
    clearInterval(watch);
    children.delete(child);
    if (isClosing() && !stoppedBy) stoppedBy = 'worker';
    return { code, reply, stoppedBy };
  }
}

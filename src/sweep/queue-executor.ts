import { setTimeout as sleep } from 'node:timers/promises';
import { type Job, Queue } from 'bullmq';
import type { ResolvedExperiment } from '../config/experiment.js';
import { loadExperiment } from '../config/load.js';
import { failGivenUpServerRun } from '../tracking/server-run-takeover.js';
import { trialFile } from './plan.js';
import type { QueueConnection } from './queue-connection.js';
import type { TrialExecutor, TrialListener, TrialTask } from './trial-executor.js';
import { STOPPED_REASON, stopKey, TRIAL_QUEUE, type TrialJob, type TrialJobResult, trialJobId } from './trial-job.js';

export interface QueueExecutorOptions {
  queue: QueueConnection;
  sweepDir: string;
  /** The MLflow server the trials record into, without its login (the workers sign in with their own). */
  trackingUri: string;
  /** Enqueue and return: `gx sweep --resume` follows the trials later. */
  detach?: boolean;
  /** A line per trial state change that the listener does not report (queued, running, back in the queue). */
  log: (line: string) => void;
  /** How often the jobs' states are read. */
  pollMs?: number;
}

/** A crashed trial is tried this many times in all (each attempt continues the same MLflow run). */
const ATTEMPTS = 3;

/**
 * Trials as jobs of a BullMQ queue on Redis, run by `gx worker`s anywhere. Every trial the sweep has is enqueued at
 * once, under an id of its own (enqueuing again adds nothing); then their states are followed until none is left.
 * Stopping removes the trials no worker has taken and asks the workers to stop the running ones (they checkpoint).
 */
export function queueExecutor(options: QueueExecutorOptions): TrialExecutor {
  return {
    async run(next, listener, stop) {
      const queue = new Queue<TrialJob, TrialJobResult>(TRIAL_QUEUE, { connection: options.queue.connection });
      try {
        const tasks = new Map<string, TrialTask>();
        for (let task = await next(); task; task = await next())
          tasks.set(trialJobId(task.sweepId, task.trial.index), task);
        const first = [...tasks.values()][0];
        if (!first) return;
        const client = await queue.client;
        await client.del(stopKey(first.sweepId));
        for (const [id, task] of tasks)
          await enqueue(queue, id, { ...task, experiment: await experimentOf(task, options) });
        options.log(`${tasks.size} trials queued on ${options.queue.where} (queue ${TRIAL_QUEUE})`);
        if (!options.detach) await follow(queue, tasks, listener, stop, options);
      } finally {
        await queue.close();
      }
    },
  };
}

/** Adds the trial's job; one the sweep stopped earlier is put back in the queue. */
async function enqueue(
  queue: Queue<TrialJob, TrialJobResult>,
  id: string,
  task: TrialTask & { experiment: ResolvedExperiment },
) {
  const job = await queue.getJob(id);
  if (job && (await job.getState()) === 'failed' && job.failedReason === STOPPED_REASON) {
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    return;
  }
  const { sweepId, trial, parentRunId, experiment, maxSteps, backend } = task;
  await queue.add(
    'trial',
    { sweepId, trial, parentRunId, experiment, maxSteps, backend },
    {
      jobId: id,
      attempts: ATTEMPTS,
      backoff: { type: 'exponential', delay: 2000 },
      removeOnComplete: false,
      removeOnFail: false,
    },
  );
}

/** The trial's experiment as planned (a stopped one's from the plan on disk), recording into the sweep's server. */
async function experimentOf(task: TrialTask, { sweepDir, trackingUri }: QueueExecutorOptions) {
  const experiment =
    'experiment' in task.run ? task.run.experiment : await loadExperiment(trialFile(sweepDir, task.trial));
  return { ...experiment, tracking: { ...experiment.tracking, uri: trackingUri } };
}

/** Reads the jobs' states until every trial has ended, telling the listener as each starts and ends. */
async function follow(
  queue: Queue<TrialJob, TrialJobResult>,
  tasks: Map<string, TrialTask>,
  listener: TrialListener,
  stop: AbortSignal,
  options: QueueExecutorOptions,
) {
  const states = new Map<string, string>();
  const started = new Set<string>();
  let stopAsked = false;
  while (tasks.size > 0) {
    if (stop.aborted && !stopAsked) {
      stopAsked = true;
      const sweepId = [...tasks.values()][0].sweepId;
      await (await queue.client).set(stopKey(sweepId), '1', { EX: 86_400 });
    }
    for (const [id, task] of tasks) {
      // The state first: a job read before it completed would lack its result.
      const found = await queue.getJobState(id);
      const state = found === 'unknown' ? 'missing' : found;
      const job = await queue.getJob(id);
      const label = `trial ${task.trial.index}`;
      if (stopAsked && job && ['waiting', 'delayed', 'prioritized'].includes(state)) {
        await job.remove().catch(() => {});
        tasks.delete(id);
        await listener.ended(task, { status: 'STOPPED', error: 'stopped before a worker took it' });
        continue;
      }
      if (!started.has(id) && !listener.startsMore() && job && ['waiting', 'prioritized'].includes(state)) {
        await job.remove().catch(() => {});
        tasks.delete(id);
        options.log(`${label} taken off the queue: the sweep starts no more trials (--fail-fast)`);
        continue;
      }
      if (state === states.get(id)) continue;
      const before = states.get(id);
      states.set(id, state);
      if (state === 'active' && started.has(id)) {
        options.log(
          `${label} running again, on ${job?.processedBy ?? 'a worker'} (attempt ${(job?.attemptsMade ?? 0) + 1})`,
        );
      } else if (state === 'active') {
        started.add(id);
        options.log(`${label} running on ${job?.processedBy ?? 'a worker'}`);
        await listener.started(task);
      } else if ((state === 'waiting' || state === 'delayed') && before === 'active') {
        options.log(`${label} back in the queue${job?.failedReason ? ` (${job.failedReason})` : ''}`);
      } else if (state === 'completed' || state === 'failed' || state === 'missing') {
        tasks.delete(id);
        const outcome = outcomeOf(job as Job<TrialJob, TrialJobResult> | undefined, state);
        if (job && outcome.status === 'FAILED') await failGivenUpRun(job, outcome.error, options);
        await listener.ended(task, outcome);
      }
    }
    if (tasks.size > 0) await sleep(options.pollMs ?? 500);
  }
}

/**
 * A trial whose job failed for good (its process crashed on every attempt, or its workers died) may have left its
 * MLflow run RUNNING, with no process left to end it: the sweep ends it FAILED, saying why.
 */
async function failGivenUpRun(job: Job<TrialJob>, reason: string, options: QueueExecutorOptions) {
  const { experiment } = job.data;
  const run = { experiment: experiment.tracking.experiment ?? experiment.name, uid: job.id as string };
  const label = `trial ${job.data.trial.index}`;
  await failGivenUpServerRun({ uri: options.trackingUri }, run, `gave up after ${job.attemptsMade} attempts: ${reason}`)
    .then((ended) => ended && options.log(`${label} failed: its MLflow run is ended FAILED (${reason})`))
    .catch((error: Error) => options.log(`${label} failed; its MLflow run could not be ended (${error.message})`));
}

function outcomeOf(job: Job<TrialJob, TrialJobResult> | undefined, state: string) {
  if (!job) return { status: 'FAILED' as const, error: 'its job is no longer in the queue' };
  if (state === 'completed')
    return { status: 'FINISHED' as const, runId: job.returnvalue.runId, metrics: job.returnvalue.metrics };
  const stopped = job.failedReason === STOPPED_REASON;
  return { status: stopped ? ('STOPPED' as const) : ('FAILED' as const), error: job.failedReason };
}

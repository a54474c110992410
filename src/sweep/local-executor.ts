import { type ChildProcess, fork } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { lockHolder } from '../runner/run-folder/lock.js';
import { type TrialExecutor, type TrialOutcome, type TrialTask, trialRun } from './trial-executor.js';
import type { TrialRequest } from './trial-process.js';
import type { TrialProgressMessage, TrialReply } from './trial-reply.js';
import { trialLabel } from './trials.js';

export interface LocalExecutorOptions {
  /** The sweep's folder: each trial's run goes in trials/trial-NNN/, its stderr in trials/trial-NNN.log. */
  sweepDir: string;
  /** Trials at once, each in its own process. */
  jobs: number;
  /** Extra environment of the trials' processes. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Trials as processes on this machine, `jobs` lanes of one trial at a time. Each trial is its own process (see
 * trial-process.ts): a crash or a diverged run fails that trial, not the sweep.
 */
export function localExecutor({ sweepDir, jobs, env }: LocalExecutorOptions): TrialExecutor {
  return {
    async run(next, listener, stop) {
      const running = new Set<ChildProcess>();
      // Each running trial is asked once (a second SIGINT would make it quit without its checkpoint).
      const onStop = () => {
        for (const child of running) child.kill('SIGINT');
      };
      stop.addEventListener('abort', onStop, { once: true });
      const lane = async () => {
        for (let task = await next(); task; task = await next()) {
          await listener.started(task);
          const tell = (progress: TrialProgressMessage['progress']) => listener.progress?.(task, progress);
          const { code, reply } = await runInChild(sweepDir, task, { ...process.env, ...env }, running, stop, tell);
          await listener.ended(task, outcomeOf(code, reply, stop.aborted));
        }
      };
      try {
        await Promise.all(Array.from({ length: Math.max(1, jobs) }, lane));
      } finally {
        stop.removeEventListener('abort', onStop);
      }
    },
  };
}

const TRIAL_PROCESS = fileURLToPath(new URL('./trial-process.js', import.meta.url));

/**
 * Forks the trial's process, sends it the trial, and waits for it to end, its stderr (progress lines, epoch tables,
 * warnings) appended to its log as it comes, and where it stands told to `tell`.
 */
async function runInChild(
  sweepDir: string,
  task: TrialTask,
  env: NodeJS.ProcessEnv,
  running: Set<ChildProcess>,
  stop: AbortSignal,
  tell: (progress: TrialProgressMessage['progress']) => void,
): Promise<{ code: number | null; reply?: TrialReply }> {
  const request = await requestOf(sweepDir, task);
  // The trial writes its log itself, not through a pipe to the sweep: a sweep killed with kill -9 would leave it
  // writing into a closed pipe while it stops with its checkpoint.
  const log = openSync(join(sweepDir, 'trials', `${trialLabel(task.trial.index)}.log`), 'a');
  let child: ChildProcess;
  try {
    // Its own process group: Ctrl-C reaches the sweep alone, which asks each trial once to stop cleanly.
    child = fork(TRIAL_PROCESS, [], {
      env,
      detached: true,
      stdio: ['ignore', 'ignore', log, 'ipc'],
      serialization: 'advanced',
    });
  } finally {
    closeSync(log);
  }
  running.add(child);
  if (stop.aborted) child.kill('SIGINT');
  let reply: TrialReply | undefined;
  child.on('message', (message: TrialReply | TrialProgressMessage) => {
    if ('progress' in message) tell(message.progress);
    else reply = message;
  });
  child.send(request);
  const code = await new Promise<number | null>((done) => child.on('close', done));
  running.delete(child);
  return { code, reply };
}

/** A trial stopped earlier continues from its checkpoint; others start, nested under the parent run. */
async function requestOf(sweepDir: string, task: TrialTask): Promise<TrialRequest> {
  const { maxSteps, backend } = task;
  if ('resume' in task.run) return { resume: task.run.resume, maxSteps, backend };
  const { experiment } = task.run;
  // Each trial's run in a folder of its own, emptied of whatever a start cut short left there.
  const runsDir = join(sweepDir, 'trials', trialLabel(task.trial.index));
  const left = await runLeftIn(runsDir);
  if (left) return { resume: left, maxSteps, backend };
  await rm(runsDir, { recursive: true, force: true });
  return { experiment, runsDir, maxSteps, backend, ...trialRun(task, experiment) };
}

/**
 * The run a trial left when its sweep was killed before it could record it: once the trial's process lets go of it
 * (it stops with a checkpoint when the sweep is gone), the trial continues from there rather than start again
 * beside it. Undefined when there is no checkpoint to continue from.
 */
async function runLeftIn(runsDir: string): Promise<string | undefined> {
  for (const entry of await readdir(runsDir, { withFileTypes: true }).catch(() => [])) {
    if (!entry.isDirectory()) continue;
    const runDir = join(runsDir, entry.name);
    while ((await lockHolder(runDir)) !== undefined) await sleep(500);
    if (existsSync(join(runDir, 'checkpoint'))) return runDir;
  }
  return undefined;
}

function outcomeOf(code: number | null, reply: TrialReply | undefined, stopAsked: boolean): TrialOutcome {
  if (reply && 'result' in reply) {
    const { result } = reply;
    const status = result.status === 'FINISHED' ? 'FINISHED' : 'STOPPED';
    return { status, runDir: result.runDir, runId: result.tracking.runId, metrics: result.metrics };
  }
  const error = reply?.error.message ?? `the trial process exited with ${code}`;
  // Stopped when asked: cleanly (130), or by the signal itself while it was still starting (nothing to keep then).
  return { status: code === 130 || (code === null && stopAsked) ? 'STOPPED' : 'FAILED', error };
}

import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackendName } from '../backend/backend-names.js';
import type { ResolvedExperiment } from '../config/experiment.js';
import { loadExperiment } from '../config/load.js';
import { runName } from '../config/settings.js';
import type { SweepRecord, TrialRecord } from './record.js';
import type { TrialReply, TrialRequest } from './trial-process.js';
import type { Trial } from './trials.js';

/** What runTrial needs of the sweep's options. */
export interface TrialOptions {
  maxSteps?: number;
  backend?: BackendName;
  shouldStop?: () => boolean;
  trialEnv?: NodeJS.ProcessEnv;
}

/** One trial as its own process (see trial-process.ts): a crash or a diverged run fails that trial, not the sweep. */
export async function runTrial(
  sweepDir: string,
  record: SweepRecord,
  trial: TrialRecord,
  options: TrialOptions,
  running: Set<ChildProcess>,
  planned: ResolvedExperiment | undefined,
) {
  const { maxSteps, backend } = options;
  // A trial stopped earlier continues from its checkpoint; others start, nested under the parent run.
  let request: TrialRequest = { resume: trial.runDir ?? '', maxSteps, backend };
  if (!trial.runDir) {
    // A resumed sweep has its plan on disk only: a trial that never started is read back from its file.
    const experiment = planned ?? (await loadExperiment(trialFile(sweepDir, trial)));
    // The sweep's bookkeeping goes into tags, not into the experiment: its params are its settings only.
    const tags: Record<string, string> = { 'gx.sweep': record.id, 'gx.trial': String(trial.index) };
    if (record.parent.runId) tags['mlflow.parentRunId'] = record.parent.runId;
    // Named by what the trial varies: `quickstart lr=0.0002`.
    const name = runName(experiment.tracking.run_name ?? experiment.name, Object.entries(trial.values));
    // Each trial's run in a folder of its own, emptied of whatever a start cut short left there.
    const runsDir = join(sweepDir, 'trials', `trial-${pad(trial.index)}`);
    await rm(runsDir, { recursive: true, force: true });
    request = { experiment, runsDir, maxSteps, backend, runName: name, tags };
  }
  const log = createWriteStream(join(sweepDir, 'trials', `trial-${pad(trial.index)}.log`), { flags: 'a' });
  // Its own process group: Ctrl-C reaches the sweep alone, which asks each trial once to stop cleanly.
  const child = fork(TRIAL_PROCESS, [], {
    env: { ...process.env, ...options.trialEnv },
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  running.add(child);
  let reply: TrialReply | undefined;
  child.on('message', (message) => {
    reply = message as TrialReply;
  });
  child.stderr?.pipe(log);
  child.send(request);
  const code = await new Promise<number | null>((done) => child.on('close', done));
  running.delete(child);
  log.end();
  if (reply && 'result' in reply) {
    const { result } = reply;
    Object.assign(trial, { runDir: result.runDir, runId: result.tracking.runId, metrics: result.metrics });
    trial.status = result.status === 'FINISHED' ? 'FINISHED' : 'STOPPED';
    return;
  }
  trial.error = reply?.error.message ?? `the trial process exited with ${code}`;
  // Stopped when asked: cleanly (130), or by the signal itself while it was still starting (nothing to keep then).
  trial.status = code === 130 || (code === null && options.shouldStop?.()) ? 'STOPPED' : 'FAILED';
}

const TRIAL_PROCESS = fileURLToPath(new URL('./trial-process.js', import.meta.url));

export function trialFile(sweepDir: string, trial: Trial): string {
  return join(sweepDir, 'trials', `trial-${pad(trial.index)}.yaml`);
}

function pad(n: number): string {
  return String(n).padStart(3, '0');
}

import type { ResolvedExperiment } from '../config/experiment.js';
import { stopOnSignal } from '../core/stop-on-signal.js';
import { type RunOptions, resumeRun, runExperiment } from '../runner/run.js';
import { replyFailure, replyProgress, replyResult } from './trial-reply.js';

/** What a sweep sends its trial process: the resolved experiment itself (or a stopped trial's run to resume). */
export type TrialRequest = Pick<RunOptions, 'runsDir' | 'backend' | 'maxSteps' | 'runName' | 'tags'> &
  ({ experiment: ResolvedExperiment } | { resume: string });

/**
 * A sweep's trial in a process of its own (forked by sweep.ts with structured-clone IPC, so the experiment arrives
 * as data: no YAML, no --set). A crash or a diverged run fails this trial, not the sweep. The first
 * SIGINT stops after the current step with a checkpoint (exit 130), a second quits at once.
 */
process.once('message', async (request: TrialRequest) => {
  const stop = stopOnSignal();
  // The sweep is gone (kill -9): no one is left to record this trial, so it stops as if asked, with a checkpoint
  // that a resumed sweep continues, rather than train on unwatched beside the trial the resume would start again.
  process.once('disconnect', () => process.kill(process.pid, 'SIGINT'));
  const options: RunOptions = {
    runsDir: request.runsDir,
    backend: request.backend,
    maxSteps: request.maxSteps,
    runName: request.runName,
    tags: request.tags,
    // The progress lines and epoch tables go to the trial's log as it trains; where it stands, to the sweep.
    progress: true,
    onProgress: replyProgress,
    shouldStop: () => stop.aborted,
    stop,
  };
  try {
    const result =
      'resume' in request ? await resumeRun(request.resume, options) : await runExperiment(request.experiment, options);
    replyResult(result);
  } catch (thrown) {
    replyFailure(thrown);
  }
});

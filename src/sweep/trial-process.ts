import type { ResolvedExperiment } from '../config/experiment.js';
import { stopOnSignal } from '../core/stop-on-signal.js';
import { GxError } from '../errors.js';
import { type RunOptions, type RunResult, resumeRun, runExperiment } from '../runner/run.js';
import { describeSystemError } from '../system-errors.js';

/** What a sweep sends its trial process: the resolved experiment itself (or a stopped trial's run to resume). */
export type TrialRequest = Pick<RunOptions, 'runsDir' | 'backend' | 'maxSteps' | 'runName' | 'tags'> &
  ({ experiment: ResolvedExperiment } | { resume: string });

/** What the trial process answers: the run's result, or the error that failed it. */
export type TrialReply = { result: RunResult } | { error: { code?: string; message: string } };

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
    shouldStop: () => stop.aborted,
    stop,
  };
  try {
    const result =
      'resume' in request ? await resumeRun(request.resume, options) : await runExperiment(request.experiment, options);
    reply({ result }, result.status === 'FINISHED' ? 0 : 130);
  } catch (thrown) {
    const error = describeSystemError(thrown) ?? (thrown as Error);
    process.stderr.write(`gx: ${error.message}\n`);
    const code = error instanceof GxError ? error.code : undefined;
    // Stopped while its data loaded: stopped, as the sweep asked, with nothing to keep.
    reply({ error: { code, message: error.message } }, code === 'STOPPED' ? 130 : 1);
  }
});

function reply(message: TrialReply, exitCode: number): void {
  if (!process.connected) process.exit(exitCode);
  process.send?.(message, () => process.exit(exitCode));
}

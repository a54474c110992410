import { GxError } from '../errors.js';
import type { RunProgress } from '../runner/progress/run-progress.js';
import type { RunResult } from '../runner/run.js';
import { describeSystemError } from '../system-errors.js';

/** What a trial process answers its sweep or worker: the run's result, or the error that failed it. */
export type TrialReply = { result: RunResult } | { error: { code?: string; message: string } };

/** What a trial process tells its sweep or worker while it trains: where its run stands (about once a second). */
export interface TrialProgressMessage {
  progress: RunProgress;
}

/** Tells the sweep where the run stands; nothing when no one listens (the sweep is gone). */
export function replyProgress(progress: RunProgress): void {
  if (process.connected) process.send?.({ progress } satisfies TrialProgressMessage);
}

/** Answers with the run's result and exits: 0 finished, 130 stopped (with a checkpoint to resume). */
export function replyResult(result: RunResult): void {
  reply({ result }, result.status === 'FINISHED' ? 0 : 130);
}

/** Answers with the error that ended the trial and exits 1; 130 for a stop asked while its data loaded. */
export function replyFailure(thrown: unknown): void {
  const error = describeSystemError(thrown) ?? (thrown as Error);
  process.stderr.write(`gx: ${error.message}\n`);
  const code = error instanceof GxError ? error.code : undefined;
  reply({ error: { code, message: error.message } }, code === 'STOPPED' ? 130 : 1);
}

function reply(message: TrialReply, exitCode: number): void {
  if (!process.connected) process.exit(exitCode);
  process.send?.(message, () => process.exit(exitCode));
}

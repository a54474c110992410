import { join } from 'node:path';
import type { TrainConfig } from '../../config/experiment.js';
import { type Gan, sampler } from '../../models/gan.js';
import { saveLayersModel } from '../../models/model-files.js';
import { describeSystemError } from '../../system-errors.js';
import { snapshotCheckpoint } from '../../tracking/checkpoint-snapshot.js';
import type { Tracker } from '../../tracking/tracker.js';
import { saveCheckpoint } from '../run-folder/checkpoint.js';
import { syncRecord } from '../run-folder/records.js';
import { bestEffort } from './best-effort.js';
import type { Callback, RunContext } from './callback.js';

export interface CheckpointsOptions {
  /** checkpoint_every epochs and checkpoint_every_steps generator steps (0: not by that count), and at the end. */
  train: Pick<TrainConfig, 'checkpoint_every' | 'checkpoint_every_steps'>;
  runDir: string;
  gan: Gan;
  warn: (line: string) => void;
  /** Also sends each checkpoint to this run's artifacts (see checkpoint-snapshot.ts): a queued trial's. */
  snapshotTo?: Tracker;
}

/**
 * G, D, both optimizers, the training state and the keyed callbacks' states in <run>/checkpoint on schedule and at
 * the end, and the final G in <run>/model. Listed after the other callbacks, so a checkpoint sees what they did in
 * the same event.
 */
export function checkpoints({ train, runDir, gan, warn, snapshotTo }: CheckpointsOptions): Callback {
  const { checkpoint_every: every, checkpoint_every_steps: everySteps = 0 } = train;
  const historyFile = join(runDir, 'history.jsonl');
  let checkpointedAt = -1;
  const save = async (context: RunContext) => {
    const { state } = context;
    if (checkpointedAt === state.step) return; // the end of an epoch that is also the end of the run
    await context.flush();
    // The steps a checkpoint says are done are on disk first: a resume never finds fewer.
    await syncRecord(historyFile);
    await saveCheckpoint(join(runDir, 'checkpoint'), gan, { state, callbacks: context.callbackStates() });
    checkpointedAt = state.step;
    if (snapshotTo)
      await snapshotCheckpoint(
        snapshotTo,
        join(runDir, 'checkpoint'),
        state.step,
        join(runDir, 'mlflow', 'checkpoints'),
      );
  };
  return {
    async onStepEnd(context) {
      if (everySteps > 0 && context.state.step % everySteps === 0) await save(context);
    },
    async onEpochEnd(context) {
      if (every > 0 && context.state.epoch % every === 0) await save(context);
    },
    async onRunEnd(context) {
      await save(context);
      await saveLayersModel(sampler(gan), join(runDir, 'model'));
    },
    async onRunFailed(context, { error, betweenSteps }) {
      // Only a failure of the environment (a full disk), between steps and with the metrics recorded, leaves a
      // state worth a checkpoint; a diverged one is not.
      if (context.flushed() && betweenSteps && describeSystemError(error))
        await bestEffort(warn, 'save a checkpoint', () => save(context));
    },
  };
}

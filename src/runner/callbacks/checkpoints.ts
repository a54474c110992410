import { join } from 'node:path';
import { type Gan, sampler } from '../../models/gan.js';
import { saveLayersModel } from '../../models/model-files.js';
import { describeSystemError } from '../../system-errors.js';
import { saveCheckpoint } from '../run-folder/checkpoint.js';
import { syncRecord } from '../run-folder/records.js';
import { bestEffort } from './best-effort.js';
import type { Callback, RunContext } from './callback.js';

export interface CheckpointsOptions {
  /** Every N epochs (0: only at the end). */
  every: number;
  runDir: string;
  gan: Gan;
  warn: (line: string) => void;
}

/**
 * G, D, both optimizers, the training state and the keyed callbacks' states in <run>/checkpoint on schedule and at
 * the end, and the final G in <run>/model. Listed after the other callbacks, so a checkpoint sees what they did in
 * the same event.
 */
export function checkpoints({ every, runDir, gan, warn }: CheckpointsOptions): Callback {
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
  };
  return {
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

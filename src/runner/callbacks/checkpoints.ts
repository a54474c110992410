import { join } from 'node:path';
import { type Gan, sampler } from '../../models/gan.js';
import { saveLayersModel } from '../../models/model-files.js';
import { describeSystemError } from '../../system-errors.js';
import { saveCheckpoint } from '../run-folder/checkpoint.js';
import { syncRecord } from '../run-folder/records.js';
import { bestEffort } from './best-effort.js';
import type { Callback } from './callback.js';
import type { MetricsLog } from './metrics-log.js';

export interface CheckpointsOptions {
  /** Every N epochs (0: only at the end). */
  every: number;
  runDir: string;
  gan: Gan;
  log: MetricsLog;
  warn: (line: string) => void;
}

/**
 * G, D, both optimizers and the training state in <run>/checkpoint on schedule and at the end, and the final G in
 * <run>/model. Listed after the other callbacks, so a checkpoint sees what they did in the same event.
 */
export function checkpoints({ every, runDir, gan, log, warn }: CheckpointsOptions): Callback {
  const historyFile = join(runDir, 'history.jsonl');
  let checkpointedAt = -1;
  const save = async (state: Parameters<typeof saveCheckpoint>[2]) => {
    if (checkpointedAt === state.step) return; // the end of an epoch that is also the end of the run
    await log.flush();
    // The steps a checkpoint says are done are on disk first: a resume never finds fewer.
    await syncRecord(historyFile);
    await saveCheckpoint(join(runDir, 'checkpoint'), gan, state);
    checkpointedAt = state.step;
  };
  return {
    async onEpochEnd(state) {
      if (every > 0 && state.epoch % every === 0) await save(state);
    },
    async onRunEnd(state) {
      await save(state);
      await saveLayersModel(sampler(gan), join(runDir, 'model'));
    },
    async onRunFailed(state, { error, betweenSteps }) {
      // Only a failure of the environment (a full disk), between steps and with the metrics recorded, leaves a
      // state worth a checkpoint; a diverged one is not.
      if (log.flushed() && betweenSteps && describeSystemError(error))
        await bestEffort(warn, 'save a checkpoint', () => save(state));
    },
  };
}

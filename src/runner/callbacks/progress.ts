import { createProgress } from '../progress.js';
import type { Callback } from './callback.js';

/** Progress and epoch tables on stderr (see ../progress.ts), cleared when the run ends or fails. */
export function progress(totalSteps: number, totalEpochs: number): Callback {
  const bar = createProgress(totalSteps, totalEpochs);
  return {
    async onStepEnd(state, metrics) {
      bar.step(state.step, state.epoch, metrics);
    },
    async onEpochEnd(state, means) {
      bar.epoch(state.epoch, means);
    },
    async onRunEnd() {
      bar.clear();
    },
    async onRunFailed() {
      bar.clear();
    },
  };
}

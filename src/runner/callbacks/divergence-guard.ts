import { GxError } from '../../errors.js';
import type { Callback } from './callback.js';

/** A GAN whose loss is NaN or infinite never comes back: stop, with the record up to this step. */
export function divergenceGuard(): Callback {
  return {
    async onStepEnd({ state }, metrics) {
      const diverged = ['d_loss', 'g_loss'].find((key) => key in metrics && !Number.isFinite(metrics[key]));
      if (diverged) {
        throw new GxError(
          'DIVERGED',
          `training diverged at step ${state.step}: ${diverged} is ${metrics[diverged]}`,
          'lower the learning rates, or use a steadier loss (wgan-gp, lsgan)',
        );
      }
    },
  };
}

import { join } from 'node:path';
import { writeFileAtomic } from '../../atomic-files.js';
import type { ModelConfig } from '../../config/experiment.js';
import { encodePng } from '../../images/png.js';
import type { Gan } from '../../models/gan.js';
import { disposeLatent, type LatentBatch } from '../../models/latent.js';
import { type ClassLayout, fixedLatent, gridColumns, sampleGrid } from '../../models/sample-grid.js';
import type { Tracker } from '../../tracking/tracker.js';
import type { Callback } from './callback.js';

export interface SampleGridsOptions {
  model: ModelConfig;
  seed: number;
  /** Every N epochs (0: only the one at the end). */
  every: number;
  runDir: string;
  gan: Gan;
  tracker: Tracker;
  /** A row or a column per class, and the same noise every grid or fresh noise each (the seed); train.sample_grid. */
  grid?: { classes: ClassLayout; noise: 'fixed' | 'fresh' };
}

/**
 * A grid of G's images (from fixed noise unless train.sample_grid.noise is fresh): samples/epoch-NNNN.png on
 * schedule, samples/step-NNNNNN.png at the end.
 */
export function sampleGrids({ model, seed, every, runDir, gan, tracker, grid: layout }: SampleGridsOptions): Callback {
  let latent: LatentBatch | undefined;
  const classes = layout?.classes ?? 'rows';
  const save = async (name: string, step: number) => {
    if (layout?.noise === 'fresh') {
      if (latent) disposeLatent(latent);
      latent = fixedLatent(model, seed, classes, step);
    }
    latent ??= fixedLatent(model, seed, classes);
    const grid = sampleGrid(gan.generator, latent, gridColumns(model, classes));
    const file = join(runDir, 'samples', `${name}.png`);
    await writeFileAtomic(file, encodePng(grid));
    await tracker.logArtifact(file, 'samples');
    await tracker.logImage('samples', step, grid);
  };
  const dispose = async () => {
    if (latent) disposeLatent(latent);
    latent = undefined;
  };
  return {
    async onEpochEnd(state) {
      if (every > 0 && state.epoch % every === 0) await save(`epoch-${pad(state.epoch, 4)}`, state.step);
    },
    async onRunEnd(state) {
      await save(`step-${pad(state.step, 6)}`, state.step);
      await dispose();
    },
    onRunFailed: dispose,
  };
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

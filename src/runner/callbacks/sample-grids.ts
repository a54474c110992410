import { join } from 'node:path';
import { writeFileAtomic } from '../../atomic-files.js';
import type { ModelConfig } from '../../config/experiment.js';
import { encodePng } from '../../images/png.js';
import { type Gan, sampler } from '../../models/gan.js';
import { disposeLatent, type LatentBatch } from '../../models/latent.js';
import { type ClassLayout, fixedLatent, gridColumns, sampleGrid } from '../../models/sample-grid.js';
import type { Tracker } from '../../tracking/tracker.js';
import { recordGrid } from '../run-folder/sample-index.js';
import type { Callback } from './callback.js';
import { firesAtEpochEnd, firesAtStep, type Schedule } from './schedule.js';

export interface SampleGridsOptions {
  model: ModelConfig;
  seed: number;
  /** train.sample_every epochs and train.sample_every_steps steps. */
  schedule: Schedule;
  runDir: string;
  gan: Gan;
  tracker: Tracker;
  /** A row or a column per class, and the same noise every grid or fresh noise each (the seed); train.sample_grid. */
  grid?: { classes: ClassLayout; noise: 'fixed' | 'fresh' };
}

/**
 * A grid of G's images (from fixed noise unless train.sample_grid.noise is fresh), on schedule and at the end:
 * samples/epoch-NNNN.png after an epoch, samples/step-NNNNNN.png after a step and at the end; one grid per step at
 * most. Each is also a step image in MLflow, so the UI's slider steps through them, from the untrained G's at step 0.
 */
export function sampleGrids({
  model,
  seed,
  schedule,
  runDir,
  gan,
  tracker,
  grid: layout,
}: SampleGridsOptions): Callback {
  const samplesDir = join(runDir, 'samples');
  const classes = layout?.classes ?? 'rows';
  let latent: LatentBatch | undefined;
  let sampledAt = -1;
  const draw = (step: number) => {
    if (layout?.noise === 'fresh') {
      if (latent) disposeLatent(latent);
      latent = fixedLatent(model, seed, classes, step);
    }
    latent ??= fixedLatent(model, seed, classes);
    return sampleGrid(sampler(gan), latent, gridColumns(model, classes));
  };
  const save = async (name: string, step: number) => {
    if (sampledAt === step) return; // an epoch's end or the run's end on a step that had its grid
    sampledAt = step;
    const grid = draw(step);
    const file = join(samplesDir, `${name}.png`);
    await writeFileAtomic(file, await encodePng(grid));
    await recordGrid(samplesDir, step, `${name}.png`);
    await tracker.logArtifact(file, 'samples');
    await tracker.logImage('samples', step, grid);
  };
  const dispose = async () => {
    if (latent) disposeLatent(latent);
    latent = undefined;
  };
  return {
    // A run resumed at the step of its last grid does not draw that grid again.
    key: 'sample-grids',
    state: () => ({ step: sampledAt }),
    restore(saved) {
      sampledAt = (saved as { step: number }).step;
    },
    // MLflow's image card opens at step 0 and shows nothing for a run without an image there: the untrained G's grid
    // goes to MLflow only (the run folder's grids, the report and the GIF begin with the first trained one).
    async onRunStart({ state }) {
      if (state.step === 0) await tracker.logImage('samples', 0, draw(0));
    },
    async onStepEnd({ state }) {
      if (firesAtStep(schedule, state.step)) await save(`step-${pad(state.step, 6)}`, state.step);
    },
    async onEpochEnd({ state }) {
      if (firesAtEpochEnd(schedule, state.epoch)) await save(`epoch-${pad(state.epoch, 4)}`, state.step);
    },
    async onRunEnd(context) {
      const { step } = context.state;
      if (!context.hurryRequested()) await save(`step-${pad(step, 6)}`, step);
      await dispose();
    },
    onRunFailed: dispose,
  };
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { withClasses } from '../../src/config/experiment.js';
import { resolveExperiment } from '../../src/config/load.js';
import { cacheDir } from '../../src/data/cache-dir.js';
import type { ImageSet } from '../../src/data/image-set.js';
import { buildGan } from '../../src/models/build-gan.js';
import { sampler } from '../../src/models/gan.js';
import { fixedLatent, sampleGrid } from '../../src/models/sample-grid.js';
import { datasets } from '../../src/registry/datasets.js';
import { runContext } from '../../src/runner/callbacks/run-context.js';
import { train } from '../../src/runner/loop/trainer.js';
import { initialState } from '../../src/runner/loop/training-state.js';
import { describeOnEachBackend } from '../helpers/backends.js';
import { tempDir } from '../helpers/cli.js';
import { makeShapesFolder } from '../helpers/shapes-folder.js';

/** dcgan over the image shapes gx trains: MNIST's 28x28x1 and folders of colour images at 32 and 64. */
const shapes = [
  { name: '28x28x1 (mnist)', data: '{ type: mnist, limit: 16 }' },
  { name: '32x32x3 (folder)', data: '{ type: image-folder, path: FOLDER, size: 32, labels: subfolders, holdout: 0 }' },
  { name: '64x64x3 (folder)', data: '{ type: image-folder, path: FOLDER, size: 64, labels: subfolders, holdout: 0 }' },
];

let folder: string;
before(async () => {
  folder = await makeShapesFolder(tempDir(), { count: 16, size: 48, mixedSizes: true, brokenFiles: true });
});

describeOnEachBackend('dcgan trains on every image shape', () => {
  for (const shape of shapes) {
    it(shape.name, async () => {
      const yaml = `
name: shapes
data: ${shape.data.replace('FOLDER', JSON.stringify(folder))}
model: { type: dcgan, latent_size: 8, width: 2 }
loss: { type: standard, auxiliary: { weight: 1 } }
train:
  epochs: 1
  max_steps: 2
  batch_size: 4
  optimizer: { g: { type: adam, lr: 0.0002, beta1: 0.5 }, d: { type: adam, lr: 0.0002, beta1: 0.5 } }
`;
      const asWritten = resolveExperiment('shapes.yaml', yaml);
      const data: ImageSet = await datasets
        .get(asWritten.data.type)
        .load(asWritten.data, 'train', { cacheDir: cacheDir(), download: false });
      const experiment = withClasses(asWritten, data.numClasses);
      const state = initialState(experiment.seed);
      const gan = buildGan(experiment, [data.height, data.width, data.channels], state);
      const losses: number[] = [];
      const record = {
        onStepEnd: async (_: unknown, m: Record<string, number>) => void losses.push(...Object.values(m)),
      };
      const setup = { gan, data, model: experiment.model, train: experiment.train, seed: experiment.seed };
      await train(setup, runContext({ state, callbacks: [record] }), [record]);
      assert.equal(state.step, 2);
      assert.ok(losses.length > 0 && losses.every(Number.isFinite), String(losses));
      const grid = sampleGrid(sampler(gan), fixedLatent(experiment.model, 0));
      assert.equal(grid.channels, data.channels === 1 ? 1 : 3, 'the grid is in colour for colour data');
      assert.equal(grid.width, 10 * (data.width + 2) + 2);
      gan.generator.dispose();
      gan.discriminator.dispose();
    });
  }
});

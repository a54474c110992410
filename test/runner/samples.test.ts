import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import sharp from 'sharp';
import { selectBackend } from '../../src/backend/select.js';
import { encodeGifFiles } from '../../src/images/gif.js';
import { decodeImage } from '../../src/images/image.js';
import { encodePng } from '../../src/images/png.js';
import { evenlySpaced, evolutionGif, GIF_OPTIONS } from '../../src/runner/callbacks/evolution-gif.js';
import { runContext } from '../../src/runner/callbacks/run-context.js';
import { resumeRun, runExperiment } from '../../src/runner/run.js';
import { recordGrid } from '../../src/runner/run-folder/sample-index.js';
import { createLocalRun } from '../../src/tracking/local-store.js';
import { tempDir } from '../helpers/cli.js';
import { tinyExperiment } from '../helpers/experiments.js';
import { gridLike, meanAbsDifference } from '../helpers/images.js';
import { localMlflowRun } from '../helpers/runs.js';

/** The GIF's frames as grey pixels, and its metadata. */
async function gifFrames(file: string) {
  const bytes = readFileSync(file);
  const metadata = await sharp(bytes, { animated: true }).metadata();
  const pixels = await sharp(bytes, { animated: true }).toColourspace('b-w').raw().toBuffer();
  const size = (metadata.width ?? 0) * (metadata.pageHeight ?? 0);
  const frames = Array.from({ length: metadata.pages ?? 0 }, (_, i) => pixels.subarray(i * size, (i + 1) * size));
  return { metadata, frames };
}

/** The GIF is the grids in `files`, in that order (successive grids of a tiny model can look alike once quantised). */
async function assertGifOf(gif: string, files: string[]) {
  assert.deepEqual(readFileSync(gif), Buffer.from(await encodeGifFiles(files, GIF_OPTIONS)));
}

/** Each frame is nearest to the grid at its place in `files`. */
async function assertFramesAre(frames: Buffer[], files: string[]) {
  const grids = await Promise.all(files.map(async (file) => (await decodeImage(readFileSync(file))).pixels));
  assert.equal(frames.length, grids.length);
  frames.forEach((frame, i) => {
    const errors = grids.map((grid) => meanAbsDifference(frame, grid));
    assert.equal(errors.indexOf(Math.min(...errors)), i, `frame ${i}: mean errors ${errors.map((e) => e.toFixed(1))}`);
  });
}

/** G learns fast enough for its grids to differ step to step. */
const fastG = 'train.optimizer.g.lr=0.02';

describe('sample grids by steps, and the evolution GIF', () => {
  before(() => selectBackend('cpu'));

  it('a short run logs a grid every N steps as an MLflow step image, and their GIF', async () => {
    const store = tempDir();
    process.env.MLFLOW_TRACKING_URI = store;
    // 8 steps an epoch: grids after steps 3 and 6, epoch 1 (step 8), step 9, and the end (10).
    const experiment = tinyExperiment(['train.sample_every_steps=3', 'train.max_steps=10', fastG]);
    const run = await runExperiment(experiment, { runsDir: tempDir() });
    const names = ['step-000003.png', 'step-000006.png', 'epoch-0001.png', 'step-000009.png', 'step-000010.png'];
    assert.deepEqual(
      readdirSync(join(run.runDir, 'samples'))
        .filter((f) => f.endsWith('.png'))
        .sort(),
      [...names].sort(),
    );

    const mlflowRun = localMlflowRun(store);
    const images = readdirSync(join(mlflowRun.folder, 'artifacts', 'images'));
    const stepsOf = (suffix: string) =>
      images
        .filter((name) => name.endsWith(suffix))
        .map((name) => Number(/\+step\+(\d+)\+/.exec(name)?.[1]))
        .sort((a, b) => a - b);
    // MLflow also has the untrained G's grid at step 0, where its image card opens.
    assert.deepEqual(stepsOf('+compressed.webp'), [0, 3, 6, 8, 9, 10]);
    assert.equal(images.length, 12);
    assert.equal(mlflowRun.tags['mlflow.loggedImages'], 'True');

    const gif = join(run.runDir, 'evolution.gif');
    const { metadata } = await gifFrames(gif);
    assert.equal(metadata.format, 'gif');
    const grid = await sharp(join(run.runDir, 'samples', names[0])).metadata();
    assert.deepEqual([metadata.width, metadata.pageHeight], [grid.width, grid.height]);
    assert.deepEqual(metadata.delay, [250, 250, 250, 250, 2000]);
    await assertGifOf(
      gif,
      names.map((name) => join(run.runDir, 'samples', name)),
    );
    assert.deepEqual(readFileSync(join(mlflowRun.folder, 'artifacts', 'evolution.gif')), readFileSync(gif));
  });

  it('a resumed run animates the grids from before the resume too, in order', async () => {
    process.env.MLFLOW_TRACKING_URI = tempDir();
    const experiment = tinyExperiment([
      'train.sample_every_steps=2',
      'train.sample_every=0',
      'train.max_steps=4',
      fastG,
    ]);
    const first = await runExperiment(experiment, { runsDir: tempDir() });
    assert.equal((await gifFrames(join(first.runDir, 'evolution.gif'))).frames.length, 2);
    const resumed = await resumeRun(first.runDir, { maxSteps: 7 });
    assert.equal(resumed.state.step, 7);
    const names = ['step-000002.png', 'step-000004.png', 'step-000006.png', 'step-000007.png'];
    await assertGifOf(
      join(resumed.runDir, 'evolution.gif'),
      names.map((name) => join(resumed.runDir, 'samples', name)),
    );
  });

  it('is written from the grids there are when a run fails; a grid removed by hand is passed over', async () => {
    const runDir = tempDir();
    const samples = join(runDir, 'samples');
    await mkdir(samples);
    const files = [0, 1, 2].map((i) => join(samples, `step-00000${i + 1}.png`));
    for (const [i, file] of files.entries()) {
      writeFileSync(file, await encodePng(gridLike(10, i)));
      await recordGrid(samples, i + 1, `step-00000${i + 1}.png`);
    }
    await recordGrid(samples, 4, 'step-000004.png'); // recorded, then removed
    writeFileSync(join(samples, 'grids.jsonl'), `${readFileSync(join(samples, 'grids.jsonl'), 'utf8')}{"step":5,"fi`);
    const tracker = await createLocalRun(tempDir(), { experiment: 'failed', runName: 'failed', tags: {} });
    const warnings: string[] = [];
    const callback = evolutionGif({ runDir, tracker, warn: (line) => warnings.push(line) });
    const state = { step: 5, epoch: 0, batch: 0, random: [], dropoutCalls: 0 };
    await callback.onRunFailed?.(runContext({ state, callbacks: [callback] }), {
      error: new Error('diverged'),
      betweenSteps: true,
    });
    assert.deepEqual(warnings, []);
    await assertFramesAre((await gifFrames(join(runDir, 'evolution.gif'))).frames, files);
  });

  it('a run with no grid has no GIF', async () => {
    const runDir = tempDir();
    const tracker = await createLocalRun(tempDir(), { experiment: 'none', runName: 'none', tags: {} });
    const state = { step: 0, epoch: 0, batch: 0, random: [], dropoutCalls: 0 };
    const callback = evolutionGif({ runDir, tracker, warn: assert.fail });
    await callback.onRunEnd?.(runContext({ state, callbacks: [callback] }));
    assert.equal(existsSync(join(runDir, 'evolution.gif')), false);
  });

  it('spreads frames evenly over many grids, the first and the last kept', () => {
    const items = Array.from({ length: 10 }, (_, i) => i);
    assert.deepEqual(evenlySpaced(items, 4), [0, 3, 6, 9]);
    assert.deepEqual(evenlySpaced(items, 10), items);
    assert.deepEqual(evenlySpaced(items, 1), [9]);
  });
});

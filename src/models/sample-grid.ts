import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ModelConfig } from '../config/experiment.js';
import type { Image } from '../images/image.js';
import { createRandom, deriveSeed } from '../random.js';
import { generateInChunks } from './generate.js';
import { type LatentBatch, sampleLatent } from './latent.js';

/** Images per class in a sample grid (and columns of an unconditional model's 10x10 grid). */
const COLUMNS = 10;

/**
 * Where a conditional model's classes go in a grid: a row per class (gx), or a column per class, as the seed's
 * 10x10 grid has them (mnist_acgan.py stacks each class's 10 images vertically, classes side by side).
 */
export type ClassLayout = 'rows' | 'columns';

/**
 * The noise (and classes) of a sample grid: from `seed` alone, so that every grid of a run shares it and grids
 * compare epoch to epoch; or, with `draw` (a step), fresh noise for that draw, as the seed takes each epoch.
 */
export function fixedLatent(
  model: ModelConfig,
  seed: number,
  layout: ClassLayout = 'rows',
  draw?: number,
): LatentBatch {
  const classes = model.num_classes;
  const count = (classes > 0 ? classes : COLUMNS) * COLUMNS;
  const labels = Array.from({ length: count }, (_, i) =>
    layout === 'columns' ? i % classes : Math.floor(i / COLUMNS),
  );
  const random = createRandom(draw === undefined ? deriveSeed(seed, 'samples') : deriveSeed(seed, 'samples', draw));
  return sampleLatent(model, count, random, classes > 0 ? labels : undefined);
}

/** Columns of a grid of `model`'s images laid out as `layout` says. */
export function gridColumns(model: ModelConfig, layout: ClassLayout): number {
  return layout === 'columns' && model.num_classes > 0 ? model.num_classes : COLUMNS;
}

/** Images G draws at once: its activations for a large --count would not fit in memory in one batch. */
const CHUNK = 250;

/** Draws G's images for `latent` (inference mode) and tiles them into one image, `perRow` a row, 2 px apart. */
export function sampleGrid(generator: tfl.LayersModel, latent: LatentBatch, perRow = COLUMNS): Image {
  const count = latent.z.shape[0];
  let pixels = new Uint8Array(0);
  let [height, width, channels] = [0, 0, 0];
  generateInChunks(generator, latent, CHUNK, (images, start) => {
    [height, width, channels] = images.shape.slice(1) as [number, number, number];
    if (start === 0) pixels = new Uint8Array(count * height * width * channels);
    const bytes = tf.tidy(() => tf.cast(tf.clipByValue(tf.add(tf.mul(images, 127.5), 127.5), 0, 255), 'int32'));
    pixels.set(bytes.dataSync(), start * height * width * channels);
    bytes.dispose();
  });
  const gap = 2;
  const columns = Math.min(perRow, count);
  const rows = Math.ceil(count / columns);
  const gridWidth = columns * (width + gap) + gap;
  const gridHeight = rows * (height + gap) + gap;
  const outChannels = channels === 1 ? 1 : 3;
  const grid = new Uint8Array(gridWidth * gridHeight * outChannels);
  for (let n = 0; n < count; n++) {
    const top = gap + Math.floor(n / columns) * (height + gap);
    const left = gap + (n % columns) * (width + gap);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (let c = 0; c < outChannels; c++) {
          grid[((top + y) * gridWidth + left + x) * outChannels + c] =
            pixels[((n * height + y) * width + x) * channels + c];
        }
      }
    }
  }
  return { width: gridWidth, height: gridHeight, channels: outChannels, pixels: grid };
}

import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ModelConfig } from '../config/experiment.js';
import type { Image } from '../images/image.js';
import { createRandom, deriveSeed } from '../random.js';
import { generatorInputs, type LatentBatch, sampleLatent } from './latent.js';

/** Columns of a sample grid; a conditional model gets one row per class, as in the seed's 10x10 grid. */
const COLUMNS = 10;

/** The fixed noise (and classes) every sample grid of a run is drawn from, so grids compare epoch to epoch. */
export function fixedLatent(model: ModelConfig, seed: number, classes?: number[]): LatentBatch {
  const rows = model.num_classes > 0 ? model.num_classes : COLUMNS;
  const labels = classes ?? Array.from({ length: rows * COLUMNS }, (_, i) => Math.floor(i / COLUMNS));
  return sampleLatent(
    model,
    labels.length,
    createRandom(deriveSeed(seed, 'samples')),
    model.num_classes > 0 ? labels : undefined,
  );
}

/** Draws G's images for `latent` (inference mode) and tiles them into one image, COLUMNS per row, 2 px apart. */
export function sampleGrid(generator: tfl.LayersModel, latent: LatentBatch): Image {
  const images = tf.tidy(() => {
    const out = generator.predict(generatorInputs(latent)) as tf.Tensor4D;
    return tf.cast(tf.clipByValue(tf.add(tf.mul(out, 127.5), 127.5), 0, 255), 'int32');
  });
  const [count, height, width, channels] = images.shape;
  const pixels = images.dataSync();
  images.dispose();
  const gap = 2;
  const columns = Math.min(COLUMNS, count);
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

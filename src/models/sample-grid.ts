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

/** Images G draws at once: its activations for a large --count would not fit in memory in one batch. */
const CHUNK = 250;

/** Draws G's images for `latent` (inference mode) and tiles them into one image, COLUMNS per row, 2 px apart. */
export function sampleGrid(generator: tfl.LayersModel, latent: LatentBatch): Image {
  const count = latent.z.shape[0];
  let pixels = new Uint8Array(0);
  let [height, width, channels] = [0, 0, 0];
  for (let start = 0; start < count; start += CHUNK) {
    const size = Math.min(CHUNK, count - start);
    const images = tf.tidy(() => {
      const inputs = generatorInputs(latent).map((input) => tf.slice(input, [start, 0], [size, -1]));
      const out = generator.predict(inputs) as tf.Tensor4D;
      return tf.cast(tf.clipByValue(tf.add(tf.mul(out, 127.5), 127.5), 0, 255), 'int32');
    });
    [height, width, channels] = images.shape.slice(1) as [number, number, number];
    if (start === 0) pixels = new Uint8Array(count * height * width * channels);
    pixels.set(images.dataSync(), start * height * width * channels);
    images.dispose();
  }
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

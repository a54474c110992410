import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { generatorInputs, type LatentBatch } from './latent.js';

/**
 * Draws G's images for `latent` (inference mode), `chunk` at a time: its activations for thousands of images at once
 * would not fit in memory. Each chunk's images go to `use` with the index of their first row, and are disposed after.
 * The chunk size stays the caller's: a backend may pick other kernels for another batch size, and the images of an
 * evaluation or a grid must not change by a rounding.
 */
export function generateInChunks(
  generator: tfl.LayersModel,
  latent: LatentBatch,
  chunk: number,
  use: (images: tf.Tensor4D, start: number) => void,
): void {
  const count = latent.z.shape[0];
  for (let start = 0; start < count; start += chunk) {
    const size = Math.min(chunk, count - start);
    const images = tf.tidy(() => {
      const inputs = generatorInputs(latent).map((input) => tf.slice(input, [start, 0], [size, -1]));
      return generator.predict(inputs) as tf.Tensor4D;
    });
    try {
      use(images, start);
    } finally {
      images.dispose();
    }
  }
}

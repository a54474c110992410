import * as tf from '@tensorflow/tfjs-core';
import { createRandom, deriveSeed } from '../random.js';
import type { ImageSet } from './image-set.js';
import { readExamples } from './pixel-file.js';

/** A batch for the trainer, which owns (and disposes) both tensors. */
export interface Batch {
  /** NHWC float32 in [-1, 1], the range of a tanh generator. */
  images: tf.Tensor4D;
  labels: tf.Tensor1D;
}

/**
 * The order of examples in an epoch: a permutation that depends only on (seed, epoch), so a run resumed in the
 * middle of an epoch sees the batches it would have seen; or, without `shuffle`, the stored order, as the seed walks it.
 */
export function epochOrder(count: number, seed: number, epoch: number, shuffle = true): Uint32Array {
  const random = createRandom(deriveSeed(seed, 'data-order', epoch));
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  if (!shuffle) return order;
  for (let i = count - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** Full batches per epoch: the remainder is dropped, as the seed does, so every step sees batch_size examples. */
export function batchesPerEpoch(set: ImageSet, batchSize: number): number {
  return Math.floor(set.count / batchSize);
}

/**
 * Gathers batch `index` of an epoch's order into tensors, scaling pixels as the seed does: (x - 127.5) / 127.5. A set
 * whose pixels are in a file has only this batch's examples read from it.
 */
export function makeBatch(set: ImageSet, order: Uint32Array, index: number, batchSize: number): Batch {
  const size = set.height * set.width * set.channels;
  const pixels = new Float32Array(batchSize * size);
  const labels = new Int32Array(batchSize);
  const examples = order.subarray(index * batchSize, (index + 1) * batchSize);
  let stored = set.pixels;
  if (!(stored instanceof Uint8Array)) {
    const read = new Uint8Array(batchSize * size);
    readExamples(stored, examples, read);
    stored = read;
  }
  const inMemory = stored === set.pixels;
  for (let row = 0; row < batchSize; row++) {
    const example = examples[row];
    const at = inMemory ? example : row;
    const source = stored.subarray(at * size, (at + 1) * size);
    for (let i = 0; i < size; i++) pixels[row * size + i] = (source[i] - 127.5) / 127.5;
    labels[row] = set.labels[example];
  }
  return {
    images: tf.tensor4d(pixels, [batchSize, set.height, set.width, set.channels]),
    labels: tf.tensor1d(labels, 'int32'),
  };
}

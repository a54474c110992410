import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../src/backend/select.js';
import { batchesPerEpoch, epochOrder, makeBatch } from '../src/data/batches.js';
import { cacheDir } from '../src/data/cache-dir.js';
import { mnist } from '../src/data/catalog.js';
import { loadSplit } from '../src/data/image-set.js';

/** Seconds to load MNIST train (read, verify SHA-256, parse), and to turn one whole epoch into batch tensors. */
export async function benchData() {
  await selectBackend('cpu');
  let start = performance.now();
  const train = await loadSplit(mnist, 'train', { cacheDir: cacheDir(), download: false });
  const loadSeconds = (performance.now() - start) / 1000;
  start = performance.now();
  const order = epochOrder(train.count, 0, 0);
  for (let index = 0; index < batchesPerEpoch(train, 100); index++) {
    const batch = makeBatch(train, order, index, 100);
    tf.dispose([batch.images, batch.labels]);
  }
  const epochSeconds = (performance.now() - start) / 1000;
  return { mnist_train_load_s: loadSeconds, mnist_train_epoch_to_tensors_s: epochSeconds, images: train.count };
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../src/backend/select.js';
import { batchesPerEpoch, epochOrder, makeBatch } from '../../src/data/batches.js';
import { firstExamples, type ImageSet } from '../../src/data/image-set.js';

await selectBackend('cpu');

function set(count: number): ImageSet {
  const pixels = new Uint8Array(count * 4).map((_, i) => (i % 4 === 0 ? 0 : i % 4 === 1 ? 255 : Math.floor(i / 4)));
  const labels = new Uint8Array(count).map((_, i) => i % 10);
  return {
    dataset: 't',
    split: 'train',
    count,
    height: 2,
    width: 2,
    channels: 1,
    numClasses: 10,
    pixels,
    labels,
    files: [],
  };
}

describe('batches', () => {
  it('orders each epoch by a permutation that depends only on seed and epoch', () => {
    const order = epochOrder(1000, 7, 3);
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      Array.from({ length: 1000 }, (_, i) => i),
    );
    assert.deepEqual(order, epochOrder(1000, 7, 3));
    assert.notDeepEqual(order, epochOrder(1000, 7, 4));
    assert.notDeepEqual(order, epochOrder(1000, 8, 3));
  });

  it('scales pixels to [-1, 1], keeps labels with their images, and drops the remainder', () => {
    const data = set(25);
    const order = epochOrder(data.count, 1, 0);
    assert.equal(batchesPerEpoch(data, 10), 2);
    const before = tf.memory().numTensors;
    const batch = makeBatch(data, order, 1, 10);
    assert.deepEqual(batch.images.shape, [10, 2, 2, 1]);
    const pixels = batch.images.dataSync();
    const labels = batch.labels.dataSync();
    for (let row = 0; row < 10; row++) {
      const example = order[10 + row];
      assert.equal(pixels[row * 4], -1);
      assert.equal(pixels[row * 4 + 1], 1);
      assert.equal(labels[row], example % 10);
      assert.ok(Math.abs(pixels[row * 4 + 2] - (example - 127.5) / 127.5) < 1e-6);
    }
    tf.dispose([batch.images, batch.labels]);
    assert.equal(tf.memory().numTensors, before);
  });

  it('limits a set to its first examples without copying', () => {
    const data = set(25);
    const first = firstExamples(data, 5);
    assert.equal(first.count, 5);
    assert.equal((first.pixels as Uint8Array).buffer, (data.pixels as Uint8Array).buffer);
    assert.equal(firstExamples(data, 100), data);
  });
});

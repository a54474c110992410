import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it, describe as suite } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../src/backend/select.js';
import { makeBatch } from '../../src/data/batches.js';
import { mnist } from '../../src/data/catalog.js';
import { firstExamples, loadSplit } from '../../src/data/image-set.js';
import { loadClassifier, readJudgeManifest, shippedJudges } from '../../src/eval/classifier.js';
import { describe } from '../../src/eval/describe.js';
import type { FeatureNetwork } from '../../src/eval/feature-network.js';
import { cachedReference, reference } from '../../src/eval/reference.js';
import type { Features } from '../../src/registry/metrics/moments.js';
import { tempDir } from '../helpers/cli.js';

/** A network that is not gx's judge: each image's mean and maximum, read in [0, 1]; it counts its calls. */
function poolingNetwork(id = 'pool-test') {
  const network = {
    calls: 0,
    id,
    input: { height: 28, width: 28, channels: 1, range: [0, 1] as const },
    facts: {},
    features(images: tf.Tensor4D): Features {
      network.calls++;
      const rows = tf.tidy(() => tf.stack([tf.mean(images, [1, 2, 3]), tf.max(images, [1, 2, 3])], 1));
      const values = Float64Array.from(rows.dataSync());
      rows.dispose();
      return { count: images.shape[0], dim: 2, values };
    },
    dispose() {},
  };
  return network satisfies FeatureNetwork;
}

async function testImages(count: number) {
  return firstExamples(await loadSplit(mnist, 'test', { cacheDir: tempDir('gx-cache-'), download: false }), count);
}

suite('feature networks', () => {
  it("gx's MNIST judge is one: an id with its weights' digest, 28x28x1 in [-1, 1], 128 features, probabilities", async () => {
    await selectBackend('cpu');
    const cache = tempDir('gx-cache-');
    const set = await testImages(20);
    const judge = await loadClassifier('mnist', cache, { train: set, test: set });
    const manifest = await readJudgeManifest(join(shippedJudges, 'mnist-lenet-v2'));
    assert.equal(judge.id, `mnist-lenet-v2-${manifest.sha256['model/weights.bin'].slice(0, 12)}`);
    assert.deepEqual(judge.input, { height: 28, width: 28, channels: 1, range: [-1, 1] });
    assert.deepEqual(judge.facts, { classifier_test_accuracy: manifest.accuracy });
    const batch = makeBatch(
      set,
      Uint32Array.from({ length: 20 }, (_, i) => i),
      0,
      20,
    );
    const before = tf.memory().numTensors;
    const { features, probabilities } = describe(judge, batch.images, true);
    assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
    assert.deepEqual([features.count, features.dim], [20, 128]);
    assert.deepEqual([probabilities?.count, probabilities?.dim], [20, 10]);
    for (let n = 0; n < 20; n++) {
      const sum = Array.from(probabilities?.values.subarray(n * 10, n * 10 + 10) ?? []).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-5);
    }
    assert.equal(describe(judge, batch.images, false).probabilities, undefined, 'only when asked');
    tf.dispose([batch.images, batch.labels]);
    judge.dispose();
  });

  it('another network plugs in: the images are given in the range it reads; without probabilities it is refused them', async () => {
    await selectBackend('cpu');
    const set = await testImages(10);
    const network = poolingNetwork();
    const batch = makeBatch(
      set,
      Uint32Array.from({ length: 10 }, (_, i) => i),
      0,
      10,
    );
    const { features } = describe(network, batch.images, false);
    const pixels = (set.pixels as Uint8Array).subarray(0, 784);
    assert.ok(Math.abs(features.values[1] - Math.max(...pixels) / 255) < 1e-6, 'the maximum, read in [0, 1]');
    assert.ok(Math.abs(features.values[0] - pixels.reduce((a, b) => a + b, 0) / 784 / 255) < 1e-6);
    assert.throws(() => describe(network, batch.images, true), /pool-test gives no class probabilities/);
    tf.dispose([batch.images, batch.labels]);
  });
});

suite('reference statistics', () => {
  it('are computed once per (data, network, samples) and read from the cache after, the same to the bit', async () => {
    await selectBackend('cpu');
    const cache = tempDir('gx-cache-');
    const set = await testImages(50);
    const network = poolingNetwork();
    const first = await cachedReference(network, set, 50, cache);
    assert.equal(first.cached, false);
    assert.equal(network.calls, 1);
    const second = await cachedReference(network, set, 50, cache);
    assert.equal(second.cached, true);
    assert.equal(network.calls, 1, 'the set is not described again');
    assert.deepEqual(second.features, first.features);
    assert.deepEqual(second.moments, first.moments);
    assert.deepEqual(second.moments, reference(network, set).moments);

    // Another network, another size, other data: each a key of its own.
    assert.equal((await cachedReference(poolingNetwork('pool-other'), set, 50, cache)).cached, false);
    assert.equal((await cachedReference(network, set, 40, cache)).cached, false);
    const other = { ...set, pixels: Uint8Array.from(set.pixels as Uint8Array, (p) => 255 - p) };
    assert.equal((await cachedReference(network, other, 50, cache)).cached, false);
    assert.equal(readdirSync(join(cache, 'references')).length, 4);
  });

  it('a damaged cache file is computed again, not read', async () => {
    await selectBackend('cpu');
    const cache = tempDir('gx-cache-');
    const set = await testImages(30);
    const network = poolingNetwork();
    const computed = await cachedReference(network, set, 30, cache);
    const [file] = readdirSync(join(cache, 'references'));
    const path = join(cache, 'references', file);
    writeFileSync(path, readFileSync(path).subarray(0, 88)); // its header, and 10 of its 60 feature values
    const again = await cachedReference(network, set, 30, cache);
    assert.equal(again.cached, false);
    assert.deepEqual(again.moments, computed.moments);
  });
});

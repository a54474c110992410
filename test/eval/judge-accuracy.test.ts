import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend } from '../../src/backend/select.js';
import type { ImageSet } from '../../src/data/image-set.js';
import { testAccuracy } from '../../src/eval/classifier.js';

// A held-out split need not be a multiple of the 500 images read at once (a folder's 800, say): the last chunk
// must count only the images it holds, not rows made up to fill it.
it("the judge's test accuracy counts each held-out image once, whatever their number", async () => {
  await selectBackend('cpu');
  // Reads every image as class 0: right on the labels that are 0.
  const model = tfl.sequential({
    layers: [
      tfl.layers.flatten({ inputShape: [2, 2, 1] }),
      tfl.layers.dense({ units: 2, kernelInitializer: 'zeros', biasInitializer: 'zeros' }),
    ],
  });
  model.setWeights([model.getWeights()[0], tf.tensor1d([1, 0])]);
  for (const [count, zeros] of [
    [3, 2],
    [800, 300],
  ]) {
    const labels = Uint8Array.from({ length: count }, (_, i) => (i < zeros ? 0 : 1));
    const set: ImageSet = {
      ...{ dataset: 'test', split: 'test', count, height: 2, width: 2, channels: 1, numClasses: 2 },
      ...{ pixels: new Uint8Array(count * 4), labels, files: [] },
    };
    assert.equal(testAccuracy(model, set), zeros / count);
  }
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { SpectralNorm } from '../../src/registry/architectures/spectral-norm.js';
import { describeOnEachBackend } from '../helpers/backends.js';
import { repoRoot } from '../helpers/cli.js';

/** Computed outside gx by numpy (test/references/spectral_norm.py): power iteration from u0, and the SVD. */
const reference = JSON.parse(readFileSync(join(repoRoot, 'test/references/spectral-norm.json'), 'utf8'));
const kernel = () => tf.tensor4d(reference.kernel, reference.shape);

/** A 2x2 convolution of 2 channels into 3, no bias, spectrally normalised, its u at numpy's u0. */
function normalisedConv() {
  const conv = tfl.layers.conv2d({ filters: 3, kernelSize: 2, useBias: false });
  const layer = new SpectralNorm({ layer: conv });
  layer.build([null, 3, 3, 2]);
  conv.setWeights([kernel()]);
  layer.setWeights([kernel(), tf.tensor2d([reference.u0])]);
  return { conv, layer };
}

describeOnEachBackend('spectral normalisation', () => {
  it("sigma after k power iterations is numpy's, and after 50 the SVD's largest singular value", () => {
    const { layer } = normalisedConv();
    const x = tf.randomUniform([2, 3, 3, 2], -1, 1, 'float32', 7);
    const plain = tfl.layers.conv2d({ filters: 3, kernelSize: 2, useBias: false, weights: [kernel()] });
    const unnormalised = plain.apply(x) as tf.Tensor;
    // With no bias and no activation the output is conv(x, W) / sigma: sigma is their ratio.
    const sigmaOf = (out: tf.Tensor) => tf.div(tf.sum(tf.abs(unnormalised)), tf.sum(tf.abs(out))).dataSync()[0];
    for (let k = 1; k <= 50; k++) {
      const sigma = sigmaOf(layer.apply(x, { training: true }) as tf.Tensor);
      if ([1, 2, 5, 50].includes(k)) {
        const expected = reference.sigma_by_iteration[k - 1];
        assert.ok(Math.abs(sigma - expected) < 1e-4 * expected, `k=${k}: ${sigma} != ${expected}`);
      }
    }
    const sigma = sigmaOf(layer.apply(x, { training: false }) as tf.Tensor);
    assert.ok(Math.abs(sigma - reference.sigma_svd) < 1e-4, `${sigma} != SVD ${reference.sigma_svd}`);
  });

  it('u is a non-trainable weight that only training calls move: copied, it goes on the same', () => {
    const { layer } = normalisedConv();
    assert.deepEqual(
      layer.trainableWeights.map((w) => w.shape),
      [[2, 2, 2, 3]],
    );
    assert.deepEqual(
      layer.nonTrainableWeights.map((w) => w.shape),
      [[1, 3]],
    );
    const x = tf.randomUniform([2, 3, 3, 2], -1, 1, 'float32', 3);
    const u = () => Array.from(layer.nonTrainableWeights[0].read().dataSync());
    layer.apply(x, { training: false });
    assert.deepEqual(u(), reference.u0.map(Math.fround));
    layer.apply(x, { training: true });
    layer.apply(x, { training: true });
    const copy = normalisedConv().layer;
    copy.setWeights(layer.getWeights());
    const [a, b] = [layer, copy].map((l) => Array.from((l.apply(x, { training: true }) as tf.Tensor).dataSync()));
    assert.deepEqual(a, b);
    // The gradient reaches W through sigma and the convolution.
    const { grads } = tf.variableGrads(
      () => tf.sum(layer.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
      layer.trainableWeights.map((w) => w.read() as tf.Variable),
    );
    assert.ok(Object.values(grads).every((g) => Number.isFinite(tf.sum(tf.abs(g)).dataSync()[0])));
  });
});

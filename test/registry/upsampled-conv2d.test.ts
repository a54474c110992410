import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { resolveExperiment } from '../../src/config/load.js';
import { loadLayersModel, saveLayersModel } from '../../src/models/model-files.js';
import { architectures } from '../../src/registry/architectures/index.js';
import { UpsampledConv2D } from '../../src/registry/architectures/upsampled-conv2d.js';
import { describeOnEachBackend } from '../helpers/backends.js';
import { repoRoot, tempDir } from '../helpers/cli.js';
import { onMnist } from '../helpers/experiments.js';

/** Largest difference between two tensors, relative to the largest magnitude of the second. */
function relativeError(actual: tf.Tensor, expected: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(actual, expected))).dataSync()[0] / tf.max(tf.abs(expected)).dataSync()[0]);
}

describeOnEachBackend('UpsampledConv2D', () => {
  it('computes UpSampling2D then a same-padded convolution, and its gradients, for kernels 3, 5 and 7 on a non-square image', () => {
    for (const kernelSize of [3, 5, 7]) {
      tf.tidy(() => {
        const x = tf.randomNormal([3, 7, 6, 4], 0, 1, 'float32', kernelSize);
        const fused = new UpsampledConv2D({
          filters: 5,
          kernelSize,
          activation: 'tanh',
          biasInitializer: 'randomNormal',
        });
        const upsampling = tfl.layers.upSampling2d({ size: [2, 2] });
        const conv = tfl.layers.conv2d({ filters: 5, kernelSize, padding: 'same', activation: 'tanh' });
        fused.apply(x);
        conv.apply(upsampling.apply(x));
        conv.setWeights(fused.getWeights());
        const weighting = tf.randomNormal([3, 14, 12, 5], 0, 1, 'float32', 10 + kernelSize);
        const objective = (layers: (x: tf.Tensor) => tf.Tensor) => (input: tf.Tensor) =>
          tf.sum(tf.mul(layers(input), weighting)) as tf.Scalar;
        const viaPhases = objective((input) => fused.apply(input) as tf.Tensor);
        const literal = objective((input) => conv.apply(upsampling.apply(input)) as tf.Tensor);
        const what = `kernel ${kernelSize}`;
        const images = fused.apply(x) as tf.Tensor;
        assert.deepEqual(images.shape, [3, 14, 12, 5], what);
        assert.ok(relativeError(images, conv.apply(upsampling.apply(x)) as tf.Tensor) < 1e-5, `${what}: images`);
        assert.ok(relativeError(tf.grad(viaPhases)(x), tf.grad(literal)(x)) < 1e-5, `${what}: input gradient`);
        const gradients = (f: (input: tf.Tensor) => tf.Scalar, layer: tfl.layers.Layer) =>
          layer.trainableWeights.map((weight) => tf.variableGrads(() => f(x)).grads[weight.originalName]);
        const [kernel, bias] = gradients(viaPhases, fused);
        const [kernelLiteral, biasLiteral] = gradients(literal, conv);
        assert.ok(relativeError(kernel, kernelLiteral) < 1e-5, `${what}: kernel gradient`);
        assert.ok(relativeError(bias, biasLiteral) < 1e-5, `${what}: bias gradient`);
      });
    }
  });

  it("the seed's generator is saved in stock layers (UpSampling2D, Conv2D) that tfjs loads and that draw the same images", async () => {
    const experiment = onMnist(
      resolveExperiment('x', readFileSync(join(repoRoot, 'experiments/acgan-mnist.yaml'), 'utf8')),
    );
    const { generator } = architectures
      .get('acgan-mnist')
      .create(experiment.model, { imageShape: [28, 28, 1], classHead: true, seed: 0 });
    const folder = join(tempDir(), 'model');
    await saveLayersModel(generator, folder);
    const saved = readFileSync(join(folder, 'model.json'), 'utf8');
    assert.ok(!saved.includes(`"class_name":"${UpsampledConv2D.className}"`));
    assert.equal(saved.match(/"class_name":"UpSampling2D"/g)?.length, 2);
    const loaded = await loadLayersModel(folder);
    const inputs = [tf.randomNormal([4, 100], 0, 1, 'float32', 1), tf.tensor2d([[0], [3], [7], [9]], [4, 1], 'int32')];
    const [drawn, reloaded] = [generator, loaded].map((model) => model.predict(inputs) as tf.Tensor);
    assert.ok(relativeError(reloaded, drawn) < 1e-5, `relative error ${relativeError(reloaded, drawn)}`);
    tf.dispose([...inputs, drawn, reloaded]);
    generator.dispose();
    loaded.dispose();
  });
});

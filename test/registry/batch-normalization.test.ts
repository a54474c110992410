import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRandom } from '../../src/random.js';
import { BatchNormalization } from '../../src/registry/architectures/batch-normalization.js';
import { describeOnEachBackend } from '../helpers/backends.js';

const random = createRandom(9);
const normal = (shape: number[], mean = 0, spread = 1) =>
  tf.tensor(
    Float32Array.from({ length: tf.util.sizeFromShape(shape) }, () => mean + spread * random.normal()),
    shape,
  );

/** A layer's training-mode output, gradients (input, gamma, beta) and moving statistics after two calls. */
function trained(layer: tfl.layers.Layer, x: tf.Tensor, dy: tf.Tensor): Float32Array[] {
  layer.apply(x, { training: true }); // builds it and moves the averages once
  const weights = layer.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(
    () => tf.sum(tf.mul(layer.apply(x, { training: true }) as tf.Tensor, dy)) as tf.Scalar,
    weights,
  );
  const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input, { training: true }) as tf.Tensor, dy)))(x);
  const out = layer.apply(x, { training: true }) as tf.Tensor;
  const results = [out, dx, ...weights.map((weight) => grads[weight.name]), ...layer.getWeights(), value];
  return results.map((tensor) => tensor.dataSync() as Float32Array);
}

const options = { momentum: 0.9, epsilon: 1e-5 };

// First in this file: no layer has been built yet.
it("takes no layer name of its own on import, so the layers built after keep their names (and checkpoints their weights')", () => {
  assert.match(new BatchNormalization(options).name, /^batch_normalization_BatchNormalization1$/);
});

describeOnEachBackend("gx's BatchNormalization", (backend) => {
  for (const shape of [
    [16, 5, 5, 6],
    [32, 12],
  ]) {
    it(`trains as tfjs-layers' own, on a ${shape.join('x')} batch${backend === 'tensorflow' ? ', in one TensorFlow op each way' : ''}`, async () => {
      const x = normal(shape, 0.5, 2);
      const dy = normal(shape);
      const ours = trained(new BatchNormalization(options), x, dy);
      const stock = trained(tfl.layers.batchNormalization(options), x, dy);
      for (const [i, values] of ours.entries()) {
        const scale = Math.max(...stock[i].map(Math.abs), 1e-6);
        const error = Math.max(...values.map((value, j) => Math.abs(value - stock[i][j])));
        // wasm has no fused op: the stock layer's own code runs, to the bit.
        assert.ok(backend === 'tensorflow' ? error <= 2e-5 * scale : error === 0, `result ${i}: ${error} at ${scale}`);
      }
      const layer = new BatchNormalization(options);
      layer.apply(x, { training: true });
      const kernels = (
        await tf.profile(() =>
          tf.grad((input: tf.Tensor) => tf.sum(layer.apply(input, { training: true }) as tf.Tensor))(x),
        )
      ).kernels.map((kernel) => kernel.name);
      assert.equal(kernels.includes('gx.FusedBatchNormTraining'), backend === 'tensorflow', kernels.join(' '));
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) {
        tf.tidy(() => {
          trained(layer, x, dy);
        });
      }
      assert.equal(tf.memory().numTensors, before);
      tf.dispose([x, dy]);
    });
  }

  it('infers with the moving statistics, and saves and loads as the stock layer', async () => {
    const x = normal([4, 3, 3, 2], 1, 3);
    const input = tfl.input({ shape: [3, 3, 2] });
    const model = tfl.model({
      inputs: input,
      outputs: new BatchNormalization(options).apply(input) as tfl.SymbolicTensor,
    });
    (model.layers[1] as tfl.layers.Layer).apply(x, { training: true });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    assert.match(JSON.stringify(saved?.modelTopology), /"class_name":"BatchNormalization"/);
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
    assert.deepEqual((loaded.predict(x) as tf.Tensor).dataSync(), (model.predict(x) as tf.Tensor).dataSync());
  });
});

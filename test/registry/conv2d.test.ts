import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { Conv2D } from '../../src/registry/architectures/conv2d.js';
import { describeOnEachBackend } from '../helpers/backends.js';

type Layer = tfl.layers.Layer;
const settings = [
  { strides: 1, padding: 'same' },
  { strides: 2, padding: 'same' },
  { strides: 2, padding: 'valid' },
] as const;

/** gx's layer and the stock one, built with the same weights. */
function pair(setting: (typeof settings)[number]): [Layer, Layer] {
  const args = { filters: 6, kernelSize: 3, ...setting, biasInitializer: 'randomNormal' } as const;
  const ours = new Conv2D(args);
  const stock = tfl.layers.conv2d(args);
  const probe = tf.zeros([1, 9, 8, 4]);
  ours.apply(probe);
  stock.apply(probe);
  stock.setWeights(ours.getWeights());
  probe.dispose();
  return [ours, stock];
}

/** The names of the kernels `f` runs. */
async function kernelsRun(f: () => tf.TensorContainer): Promise<string[]> {
  const profile = await tf.profile(() => {
    tf.dispose(f());
  });
  return profile.kernels.map((kernel) => kernel.name);
}

describeOnEachBackend('Conv2D', () => {
  let x: tf.Tensor;
  before(() => {
    x = tf.randomNormal([2, 9, 8, 4], 0, 1, 'float32', 1);
  });
  after(() => x.dispose());

  it("gives the stock layer's outputs and gradients, to the bit", () => {
    for (const setting of settings) {
      tf.tidy(() => {
        const [ours, stock] = pair(setting);
        const weighting = tf.randomNormal((stock.apply(x) as tf.Tensor).shape, 0, 1, 'float32', 2);
        const objective = (layer: Layer) => (input: tf.Tensor) =>
          tf.sum(tf.mul(layer.apply(input, { training: true }) as tf.Tensor, weighting)) as tf.Scalar;
        const results = [ours, stock].map((layer) => {
          const { grads } = tf.variableGrads(() => objective(layer)(x));
          return [
            layer.apply(x) as tf.Tensor,
            tf.grad(objective(layer))(x),
            ...layer.trainableWeights.map((weight) => grads[weight.originalName]),
          ].map((tensor) => Array.from(tensor.dataSync()));
        });
        assert.deepEqual(results[0], results[1], JSON.stringify(setting));
        ours.dispose();
        stock.dispose();
      });
    }
  });

  it('computes only the gradients asked for: no kernel gradient for the input, no input gradient for the kernel', async () => {
    const [ours, stock] = pair(settings[1]);
    const loss = (layer: Layer) => () => tf.sum(layer.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
    const forInput = (layer: Layer) => kernelsRun(() => tf.grad((input) => tf.sum(layer.apply(input) as tf.Tensor))(x));
    const forWeights = (layer: Layer) => kernelsRun(() => tf.variableGrads(loss(layer)).grads);
    assert.ok(!(await forInput(ours)).includes('Conv2DBackpropFilter'));
    assert.ok(!(await forWeights(ours)).includes('Conv2DBackpropInput'));
    // The stock layer computes both either way: what this layer is for, and what makes this test able to fail.
    assert.ok((await forInput(stock)).includes('Conv2DBackpropFilter'));
    assert.ok((await forWeights(stock)).includes('Conv2DBackpropInput'));
    ours.dispose();
    stock.dispose();
  });

  it('saves as the stock Conv2D, and a stock Conv2D loads as this layer', () => {
    const [ours] = pair(settings[0]);
    assert.equal(ours.getClassName(), tfl.layers.conv2d({ filters: 1, kernelSize: 1 }).getClassName());
    const [registered] = tf.serialization.SerializationMap.getMap().classNameMap[Conv2D.className];
    assert.equal(registered, Conv2D);
    ours.dispose();
  });
});

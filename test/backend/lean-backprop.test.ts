import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { describeOnEachBackend } from '../helpers/backends.js';

const LINKS = 20;
const SIZE = 2 ** 18; // 1 MB of float32
const MB = 2 ** 20;

/** sin applied LINKS times, summed: each link saves its 1 MB input for the backward pass. */
const chain = (x: tf.Tensor) => {
  let y = x;
  for (let i = 0; i < LINKS; i++) y = tf.sin(y);
  return tf.sum(y);
};

/** d/dx of sin applied LINKS times, in float64: the product of cos over the chain. */
function expectedGradient(x: number): number {
  let [value, gradient] = [x, 1];
  for (let i = 0; i < LINKS; i++) [value, gradient] = [Math.sin(value), gradient * Math.cos(value)];
  return gradient;
}

describeOnEachBackend("the backward pass's memory", () => {
  it('frees each gradient and saved tensor once the pass is past it: the backward peak stays near the saved inputs', async () => {
    const x = tf.variable(tf.linspace(-3, 3, SIZE));
    const before = tf.memory().numBytes;
    let grads: tf.NamedTensorMap = {};
    const { kernels } = await tf.profile(() => {
      grads = tf.variableGrads(() => chain(x) as tf.Scalar, [x]).grads;
    });
    const backward = kernels.slice(kernels.findIndex((kernel) => kernel.name === 'Sum') + 1);
    const peak = (Math.max(...backward.map((kernel) => kernel.totalBytesSnapshot)) - before) / MB;
    // The pass starts with the chain's 20 saved inputs (20 MB); tfjs alone held its 20 gradients on top (45 MB).
    assert.ok(peak < 1.5 * LINKS, `backward peak ${peak.toFixed(1)} MB`);
    const values = grads[x.name].dataSync();
    const inputs = x.dataSync();
    for (const i of [0, 1000, SIZE / 2, SIZE - 1]) {
      assert.ok(Math.abs(values[i] - expectedGradient(inputs[i])) < 1e-5, `${values[i]} at x = ${inputs[i]}`);
    }
    tf.dispose([x, ...Object.values(grads)]);
  });

  it("leaves a caller's dy alone, and a gradient taken inside another gradient", () => {
    const x = tf.tensor1d([0.5, -1, 2]);
    const dy = tf.tensor1d([1, 2, 3]);
    const gradient = tf.grad((input: tf.Tensor) => tf.mul(tf.clone(input), 2))(x, dy);
    assert.deepEqual([...gradient.dataSync()], [2, 4, 6]);
    assert.deepEqual([...dy.dataSync()], [1, 2, 3]);
    // d/dx (d/dx x^3)^2 = d/dx 9x^4 = 36x^3
    const nested = tf.grad((input: tf.Tensor) =>
      tf.sum(tf.square(tf.grad((v: tf.Tensor) => tf.sum(tf.pow(v, 3)))(input))),
    )(x);
    const expected = [0.5, -1, 2].map((v) => 36 * v ** 3);
    for (const [i, value] of nested.dataSync().entries()) {
      assert.ok(Math.abs(value - expected[i]) < 1e-4, `${value} against ${expected[i]}`);
    }
    tf.dispose([x, dy, gradient, nested]);
  });
});

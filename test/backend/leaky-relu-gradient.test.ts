import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { describeOnEachBackend } from '../helpers/backends.js';

const alpha = 0.2;
const xs = [...Array.from({ length: 60 }, (_, i) => Math.sin(i * 1.7) * 3), Number.NaN, 0, -0, 1e-30, -1e-30];
const weights = xs.map((_, i) => Math.cos(i));
/** tfjs's own LeakyReLU gradient. */
const stock = (dy: tf.Tensor, x: tf.Tensor) => tf.where(tf.greater(x, 0), dy, tf.mul(dy, alpha));

describeOnEachBackend("LeakyReLU's gradient", (backend) => {
  it("equals tfjs's to the bit, NaN and signed zeros included, and runs as one kernel on native TensorFlow", async () => {
    const x = tf.tensor1d(xs);
    const dy = tf.tensor1d(weights);
    const gradient = () => tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.leakyRelu(input, alpha), dy)))(x);
    assert.deepEqual(gradient().dataSync(), stock(dy, x).dataSync());
    const kernels = (await tf.profile(() => gradient())).kernels.map((kernel) => kernel.name);
    assert.equal(kernels.includes('Select'), backend !== 'tensorflow', kernels.join(' '));
    tf.dispose([x, dy]);
  });

  it('differentiates through it as a gradient penalty does, as through LeakyReLU written as max(h, alpha h)', () => {
    // Two layers, so that the outer weights reach the inner LeakyReLU's gradient through its incoming gradient.
    const x = tf.tensor2d([0.3, -1.2, 2, 0.1, 1, 0.5, -0.7, -2], [2, 4]);
    const inner = tf.tensor2d(weights.slice(0, 12), [4, 3]);
    const v = tf.tensor2d([[1, -2]]);
    const penalty = (activation: (h: tf.Tensor) => tf.Tensor) =>
      tf.grad((outer: tf.Tensor) => {
        const critic = (input: tf.Tensor) =>
          tf.sum(
            tf.mul(
              activation(
                tf.matMul(activation(tf.matMul(input as tf.Tensor2D, inner)) as tf.Tensor2D, outer as tf.Tensor2D),
              ),
              v,
            ),
          );
        return tf.sum(tf.square(tf.grad(critic)(x)));
      })(tf.tensor2d(weights.slice(20, 26), [3, 2]));
    const ours = penalty((h) => tf.leakyRelu(h, alpha)).dataSync();
    const written = penalty((h) => tf.maximum(h, tf.mul(h, alpha))).dataSync();
    const error = Math.max(...ours.map((value, i) => Math.abs(value - written[i])));
    assert.ok(error <= 1e-6 * Math.max(...written.map(Math.abs)), `${ours} against ${written}`);
    tf.dispose([x, inner, v]);
  });
});

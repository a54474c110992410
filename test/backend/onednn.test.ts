import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../../src/backend/select.js';
import { createRandom } from '../../src/random.js';

const random = createRandom(5);
/** A tensor of standard normal values (typed 4-D: most here are images and filters). */
function normal(shape: number[]): tf.Tensor4D {
  const values: tf.Tensor = tf.tensor(
    Float32Array.from({ length: tf.util.sizeFromShape(shape) }, () => random.normal()),
    shape,
  );
  return values as tf.Tensor4D;
}

type Binding = { executeOp(op: string, ...rest: unknown[]): unknown };

/** The TensorFlow ops `f` runs, seen where tfjs-node hands them to the library. */
function opsOf(f: () => tf.Tensor | tf.Tensor[]): string[] {
  const backend = tf.backend() as unknown as { binding: Binding };
  const binding = backend.binding;
  const ops: string[] = [];
  // The binding is frozen: a copy with a recording executeOp stands in for it while `f` runs.
  const recording = Object.fromEntries(
    Object.getOwnPropertyNames(binding).map((key) => [key, binding[key as keyof Binding]]),
  );
  recording.executeOp = (op: string, ...rest: unknown[]) => {
    ops.push(op);
    return binding.executeOp(op, ...rest);
  };
  backend.binding = recording as Binding;
  try {
    tf.dispose(tf.tidy(f));
  } finally {
    backend.binding = binding;
  }
  return ops;
}

/** The input and filter gradients of a 'same' convolution of x by `filter`. */
function convGradients(x: tf.Tensor4D, filter: tf.Tensor4D, stride: number) {
  return tf.grads((input: tf.Tensor, kernel: tf.Tensor) =>
    tf.sum(tf.square(tf.conv2d(input as tf.Tensor4D, kernel as tf.Tensor4D, stride, 'same'))),
  )([x, filter]);
}

describe("native TensorFlow's oneDNN kernels", () => {
  before(() => selectBackend('tensorflow'));
  after(() => selectBackend('tensorflow'));

  it('run convolutions and products by a transposed matrix; Eigen keeps few-channel results and wide filter gradients', () => {
    const x = normal([2, 6, 6, 8]);
    assert.deepEqual(
      opsOf(() => tf.conv2d(x, normal([3, 3, 8, 8]), 1, 'same')),
      ['_MklNativeConv2D'],
    );
    assert.deepEqual(
      opsOf(() => tf.conv2d(x, normal([3, 3, 8, 1]), 1, 'same')),
      ['Conv2D'],
    );
    const gradientOps = (input: tf.Tensor4D, filter: tf.Tensor4D) =>
      opsOf(() => convGradients(input, filter, 2)).filter((op) => op.includes('Backprop'));
    assert.deepEqual(gradientOps(x, normal([5, 5, 8, 16])).sort(), [
      '_MklNativeConv2DBackpropFilter',
      '_MklNativeConv2DBackpropInput',
    ]);
    // Into 1 channel: Eigen's input gradient; from 128 channels: Eigen's filter gradient.
    assert.deepEqual(gradientOps(normal([2, 6, 6, 1]), normal([5, 5, 1, 16])).sort(), [
      'Conv2DBackpropInput',
      '_MklNativeConv2DBackpropFilter',
    ]);
    assert.deepEqual(gradientOps(normal([2, 4, 4, 128]), normal([3, 3, 128, 8])).sort(), [
      'Conv2DBackpropFilter',
      '_MklNativeConv2DBackpropInput',
    ]);
    const [a, b] = [normal([4, 6]), normal([5, 6])];
    assert.deepEqual(
      opsOf(() => tf.matMul(a, b, false, true)),
      ['_MklBatchMatMulV2'],
    );
    assert.deepEqual(
      opsOf(() => tf.matMul(a, tf.transpose(b))),
      ['Transpose', 'BatchMatMulV2'],
    );
    const ints = tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32');
    assert.deepEqual(
      opsOf(() => tf.matMul(ints, ints, false, true)),
      ['BatchMatMulV2'],
    );
    assert.deepEqual(tf.matMul(ints, ints, false, true).arraySync(), [
      [5, 11],
      [11, 25],
    ]);
  });

  it("equal the cpu backend's within float rounding, and give the same bits on every call", async () => {
    const x = normal([3, 14, 14, 16]);
    const filter = normal([5, 5, 16, 24]);
    const [a, b] = [normal([7, 40]), normal([9, 40])];
    const results = () =>
      tf.tidy(() =>
        [tf.conv2d(x, filter, 2, 'same'), ...convGradients(x, filter, 2), tf.matMul(a, b, false, true)].map(
          (result) => result.dataSync() as Float32Array,
        ),
      );
    const native = results();
    assert.deepEqual(results(), native);
    await selectBackend('cpu');
    const expected = results();
    await selectBackend('tensorflow');
    for (const [i, values] of native.entries()) {
      const scale = Math.max(...expected[i].map(Math.abs));
      const error = Math.max(...values.map((value, j) => Math.abs(value - expected[i][j])));
      assert.ok(error <= 1e-5 * scale, `result ${i}: error ${error} at scale ${scale}`);
    }
  });
});

/**
 * Run by `gx backend install` in a process of its own: `node check.js <install folder> <napi version>`. Loads the
 * new binding and prints, as JSON, the TensorFlow version it reports and the largest relative difference between
 * its convolution gradients (input and filter, stride 2) and the cpu backend's.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import { loadInstall } from './load.js';

const [dir, napi] = process.argv.slice(2);
tf.env().set('PROD', true); // no "install tfjs-node" notice in the install's log
const binding = loadInstall(dir, Number(napi));

function convolutionGradients(backend: string): Float32Array[] {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const random = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);
    const x = tf.tensor(random([4, 14, 14, 8], 1).dataSync(), [4, 14, 14, 8]);
    const filter = tf.tensor(random([3, 3, 8, 16], 2).dataSync(), [3, 3, 8, 16]);
    const f = (input: tf.Tensor, kernel: tf.Tensor) =>
      tf.sum(tf.square(tf.conv2d(input as tf.Tensor4D, kernel as tf.Tensor4D, 2, 'same')));
    const [dx, dfilter] = tf.grads(f)([x, filter]);
    return [dx.dataSync() as Float32Array, dfilter.dataSync() as Float32Array];
  });
}

// Random values are drawn on the cpu backend, then copied: both backends see the same numbers.
await tf.setBackend('cpu');
const expected = convolutionGradients('cpu');
const actual = convolutionGradients('tensorflow');
let maxError = 0;
expected.forEach((values, i) => {
  const scale = Math.max(...values.map(Math.abs));
  values.forEach((value, j) => {
    maxError = Math.max(maxError, Math.abs(value - actual[i][j]) / scale);
  });
});
process.stdout.write(JSON.stringify({ tfVersion: binding.TF_Version, convGradientMaxError: maxError }));

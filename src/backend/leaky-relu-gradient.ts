import * as tf from '@tensorflow/tfjs-core';
import { registerGradients, registerKernels } from './kernels/register.js';
import type { KernelArgs } from './kernels/run.js';
import type { NativeBackend } from './native/load.js';

/** dy where x > 0, alpha * dy elsewhere: a kernel of gx's, on native TensorFlow only. */
const LEAKY_RELU_GRAD = 'gx.LeakyReluGrad';

/**
 * LeakyReLU's gradient is three ops in tfjs (x > 0, alpha * dy, a select) over each of D's activations, three times
 * a quickstart iteration; TensorFlow has it as one op, LeakyReluGrad, with the same values. gx's gradient runs that
 * op on native TensorFlow and tfjs's three ops elsewhere. Its own gradient (a gradient penalty differentiates
 * through it) is the same function of the incoming gradient.
 */
export function registerLeakyReluGradient(): void {
  registerKernels('tensorflow', [[LEAKY_RELU_GRAD, nativeLeakyReluGradient]]);
  const alphaOf = (attrs: unknown) => (attrs as { alpha: number }).alpha;
  registerGradients([
    {
      kernelName: 'LeakyRelu',
      inputsToSave: ['x'],
      gradFunc: (dy, [x], attrs) => ({ x: () => leakyReluGradient(dy as tf.Tensor, x, alphaOf(attrs)) }),
    },
    {
      kernelName: LEAKY_RELU_GRAD,
      inputsToSave: ['x'],
      gradFunc: (ddx, [x], attrs) => ({
        dy: () => leakyReluGradient(ddx as tf.Tensor, x, alphaOf(attrs)),
        x: () => tf.zerosLike(x),
      }),
    },
  ]);
}

function nativeLeakyReluGradient({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { dy, x } = inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
  const native = backend as unknown as NativeBackend;
  const { TF_ATTR_TYPE, TF_ATTR_FLOAT, TF_FLOAT } = native.binding;
  return native.executeSingleOutput(
    'LeakyReluGrad',
    [
      { name: 'T', type: TF_ATTR_TYPE, value: TF_FLOAT },
      { name: 'alpha', type: TF_ATTR_FLOAT, value: (attrs as { alpha: number }).alpha },
    ],
    [dy, x],
  );
}

function leakyReluGradient(dy: tf.Tensor, x: tf.Tensor, alpha: number): tf.Tensor {
  if (tf.getKernel(LEAKY_RELU_GRAD, tf.getBackend()) && dy.dtype === 'float32' && x.dtype === 'float32') {
    return tf.engine().runKernel(LEAKY_RELU_GRAD, { dy, x }, { alpha }) as tf.Tensor;
  }
  return tf.where(tf.greater(x, 0), dy, tf.mul(dy, alpha)); // tfjs's own
}

import * as tf from '@tensorflow/tfjs-core';

/**
 * tfjs registers no gradient for comparisons, yet the gradient penalty differentiates through gradients that use
 * one (LeakyReLU's gradient selects by `x > 0`). A comparison is piecewise constant: its gradient is zero.
 */
export function registerComparisonGradients(): void {
  for (const kernelName of ['Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual']) {
    if (tf.getGradient(kernelName)) continue;
    tf.registerGradient({
      kernelName,
      inputsToSave: ['a', 'b'],
      gradFunc: (_dy, saved) => ({ a: () => tf.zerosLike(saved[0]), b: () => tf.zerosLike(saved[1]) }),
    });
  }
}

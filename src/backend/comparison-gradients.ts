import * as tf from '@tensorflow/tfjs-core';
import { registerGradients } from './kernels/register.js';

/**
 * tfjs registers no gradient for comparisons but GreaterEqual, yet the gradient penalty differentiates through
 * gradients that use one (LeakyReLU's gradient selects by `x > 0`). A comparison is piecewise constant: its gradient
 * is zero. tfjs's own, where it has one, stays.
 */
export function registerComparisonGradients(): void {
  registerGradients(
    ['Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual']
      .filter((kernelName) => !tf.getGradient(kernelName))
      .map((kernelName) => ({
        kernelName,
        inputsToSave: ['a', 'b'],
        gradFunc: (_dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => ({
          a: () => tf.zerosLike(saved[0]),
          b: () => tf.zerosLike(saved[1]),
        }),
      })),
  );
}

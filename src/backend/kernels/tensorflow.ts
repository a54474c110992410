import type * as tf from '@tensorflow/tfjs-core';
import { conv2DBackpropInput } from './conv2d-backprop-input.js';
import { type KernelRow, registerKernels } from './register.js';
import { cast, reshape } from './reshape-and-cast.js';
import { step } from './step.js';

/**
 * The input gradient of a stride-1 convolution, which TensorFlow's CPU kernel runs up to 5x slower than the
 * equivalent forward convolution. Measured with TensorFlow 2.21's CPU kernels, stride 1: 200x7x7x1024 -> 128
 * channels 3.4 s as Conv2DBackpropInput, 0.71 s as a convolution; 200x14x14x512 -> 256, 4.1 s against 2.6 s.
 * TensorFlow's own kernel stays faster with strides and for a result of few channels, and runs where it can: it
 * refuses explicit padding.
 */
const keepOriginal = (info: tf.backend_util.Conv2DInfo) =>
  info.padInfo.type !== 'EXPLICIT' && (info.strideHeight !== 1 || info.strideWidth !== 1 || info.inChannels < 8);

/** On tensorflow, the input gradient of a convolution and kernels where tfjs-node does needless work. */
const tensorflowKernels: KernelRow[] = [
  ['Conv2DBackpropInput', conv2DBackpropInput(keepOriginal)],
  ['Reshape', reshape],
  ['Cast', cast],
  ['Step', step],
];

export function registerTensorflowKernels(): void {
  registerKernels('tensorflow', tensorflowKernels);
}

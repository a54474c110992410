import * as tf from '@tensorflow/tfjs-core';
import { registerGradients, registerKernels } from './kernels/register.js';
import type { KernelArgs } from './kernels/run.js';
import type { NativeBackend, OpAttr } from './native/load.js';

/** Batch normalisation in training mode as one TensorFlow op, and its gradient as another: kernels of gx's. */
const TRAINING = 'gx.FusedBatchNormTraining';
const GRADIENT = 'gx.FusedBatchNormTrainingGrad';

function opAttrs(backend: NativeBackend, epsilon: number): OpAttr[] {
  const { TF_ATTR_TYPE, TF_ATTR_FLOAT, TF_ATTR_STRING, TF_ATTR_BOOL, TF_FLOAT } = backend.binding;
  return [
    { name: 'T', type: TF_ATTR_TYPE, value: TF_FLOAT },
    { name: 'U', type: TF_ATTR_TYPE, value: TF_FLOAT },
    { name: 'epsilon', type: TF_ATTR_FLOAT, value: epsilon },
    { name: 'data_format', type: TF_ATTR_STRING, value: 'NHWC' },
    { name: 'is_training', type: TF_ATTR_BOOL, value: true },
  ];
}

/**
 * tfjs-layers normalises a batch in training mode with tf.moments and tf.batchNorm, about 13 ops forward and 40
 * for the gradient of each of G's two batch norms (the mean's gradient fills a tensor of the input's size with
 * ones in JavaScript); TensorFlow's FusedBatchNormV3 and FusedBatchNormGradV3 do each in one. Registered on native
 * TensorFlow only. There is no second-order gradient: gx uses it where nothing differentiates twice (G).
 */
export function registerFusedBatchNorm(): void {
  registerKernels('tensorflow', [
    [TRAINING, trainingKernel],
    [GRADIENT, gradientKernel],
  ]);
  registerGradients([
    {
      kernelName: TRAINING,
      inputsToSave: ['x', 'scale'],
      outputsToSave: [false, true, true, true],
      gradFunc: (dys, saved, attrs) => {
        const dy = Array.isArray(dys) ? dys[0] : dys; // the mean and variance feed only the moving averages
        const [x, scale, mean, variance, reserve] = saved;
        // One op gives all three; tfjs runs each part in a scope of its own, which would dispose the other two.
        const [dx, dScale, dOffset] = tf
          .engine()
          .runKernel(GRADIENT, { dy, x, scale, mean, variance, reserve }, attrs) as tf.Tensor[];
        return { x: () => dx, scale: () => dScale, offset: () => dOffset };
      },
    },
  ]);
}

/** FusedBatchNormV3 on x, scale and offset: [y, mean, variance, reserve]. */
function trainingKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const { x, scale, offset } = inputs as Record<string, tf.TensorInfo>;
  const native = backend as unknown as NativeBackend;
  const empty = tf.tensor1d([]);
  const outputs = native.executeMultipleOutputs(
    'FusedBatchNormV3',
    opAttrs(native, (attrs as { epsilon: number }).epsilon),
    [x, scale, offset, empty, empty],
    6,
  );
  empty.dispose();
  // y, the batch mean, the batch variance with Bessel's correction, then the gradient's reserve: the mean, the
  // variance tf.moments gives (the one tfjs-layers' moving average takes) and a third, empty on the CPU.
  const [y, , corrected, mean, variance, reserve] = outputs;
  native.disposeData(outputs[1].dataId);
  native.disposeData(corrected.dataId);
  return [y, mean, variance, reserve];
}

/** FusedBatchNormGradV3: [dx, dScale, dOffset]. */
function gradientKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const { dy, x, scale, mean, variance, reserve } = inputs as Record<string, tf.TensorInfo>;
  const native = backend as unknown as NativeBackend;
  const outputs = native.executeMultipleOutputs(
    'FusedBatchNormGradV3',
    opAttrs(native, (attrs as { epsilon: number }).epsilon),
    [dy, x, scale, mean, variance, reserve],
    5,
  );
  for (const unused of outputs.slice(3)) native.disposeData(unused.dataId);
  return outputs.slice(0, 3);
}

/** Whether the active backend has the fused kernels. */
export function hasFusedBatchNorm(): boolean {
  return Boolean(tf.getKernel(TRAINING, tf.getBackend()));
}

/**
 * x normalised over all but its last axis with the batch's statistics, scaled and offset: [y, mean, variance] as
 * tf.moments and tf.batchNorm give them (the variance without Bessel's correction). x is NHWC.
 */
export function fusedBatchNormTraining(
  x: tf.Tensor4D,
  scale: tf.Tensor,
  offset: tf.Tensor,
  epsilon: number,
): [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D] {
  const [y, mean, variance, reserve] = tf
    .engine()
    .runKernel(TRAINING, { x, scale, offset }, { epsilon }) as tf.Tensor[];
  reserve.dispose();
  return [y as tf.Tensor4D, mean as tf.Tensor1D, variance as tf.Tensor1D];
}

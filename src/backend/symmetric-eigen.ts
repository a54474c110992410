import * as tf from '@tensorflow/tfjs-core';
import type { NativeBackend } from './native/load.js';

/**
 * The eigenvalues (ascending) and, when asked, the eigenvectors (columns) of a symmetric matrix, by TensorFlow's
 * SelfAdjointEigV2 (LAPACK-style tridiagonalisation, in native code): on the native backend only, which alone has
 * the op; undefined on any other backend, whose callers take another way. tfjs has no eig of its own.
 */
export function nativeSymmetricEigen(
  matrix: tf.Tensor2D,
  vectors: boolean,
): { values: tf.Tensor1D; vectors?: tf.Tensor2D } | undefined {
  if (tf.getBackend() !== 'tensorflow') return undefined;
  const native = tf.backend() as unknown as NativeBackend;
  const { TF_ATTR_TYPE, TF_ATTR_BOOL, TF_FLOAT } = native.binding;
  // tfjs-node hands back tensors already tracked by the engine (not bare TensorInfo): used as they are.
  const [values, basis] = native.executeMultipleOutputs(
    'SelfAdjointEigV2',
    [
      { name: 'compute_v', type: TF_ATTR_BOOL, value: vectors },
      { name: 'T', type: TF_ATTR_TYPE, value: TF_FLOAT },
    ],
    [matrix],
    2,
  ) as [tf.Tensor1D, tf.Tensor2D];
  if (vectors) return { values, vectors: basis };
  basis.dispose();
  return { values };
}

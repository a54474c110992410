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

/** TensorFlow's enum for float64 (TF_DOUBLE); tfjs-node's binding exports only the types tfjs has. */
const TF_DOUBLE = 2;

interface RawBinding {
  executeOp(op: string, attrs: unknown[], inputs: number[], outputs: number): { id: number }[];
  deleteTensor(id: number): void;
  tensorDataSync(id: number): Float32Array;
}

/**
 * The eigenvalues of a symmetric matrix computed in float64 (the matrix cast up, the values cast back to float32
 * to be read: tfjs has no float64 tensor, so the float64 ones stay inside TensorFlow, op to op by handle). In
 * float32, SelfAdjointEigV2 missed tr sqrt of a 2000 x 2000 Gram matrix by 8e-5 relative where LAPACK's float32
 * solver missed it by 1e-9: that is 2.5e-3 of a small FID. Native backend only; undefined elsewhere.
 */
export function nativeSymmetricEigenvalues64(matrix: tf.Tensor2D): Float32Array | undefined {
  if (tf.getBackend() !== 'tensorflow') return undefined;
  const native = tf.backend() as unknown as NativeBackend & {
    binding: RawBinding;
    getInputTensorIds(tensors: tf.TensorInfo[]): number[];
  };
  const { TF_ATTR_TYPE, TF_ATTR_BOOL, TF_FLOAT } = native.binding;
  const cast = (from: number, to: number) => [
    { name: 'SrcT', type: TF_ATTR_TYPE, value: from },
    { name: 'DstT', type: TF_ATTR_TYPE, value: to },
    { name: 'Truncate', type: TF_ATTR_BOOL, value: false },
  ];
  const binding = native.binding;
  const [input] = native.getInputTensorIds([matrix]);
  const [wide] = binding.executeOp('Cast', cast(TF_FLOAT, TF_DOUBLE), [input], 1);
  const [values, vectors] = binding.executeOp(
    'SelfAdjointEigV2',
    [
      { name: 'compute_v', type: TF_ATTR_BOOL, value: false },
      { name: 'T', type: TF_ATTR_TYPE, value: TF_DOUBLE },
    ],
    [wide.id],
    2,
  );
  binding.deleteTensor(wide.id);
  binding.deleteTensor(vectors.id);
  const [narrow] = binding.executeOp('Cast', cast(TF_DOUBLE, TF_FLOAT), [values.id], 1);
  binding.deleteTensor(values.id);
  const data = binding.tensorDataSync(narrow.id);
  binding.deleteTensor(narrow.id);
  return data;
}

import * as tf from '@tensorflow/tfjs-core';
import { runOwn } from './register.js';
import type { Info, KernelArgs } from './run.js';

type Heap = { makeOutput(shape: number[], dtype: tf.DataType): Info; typedArrayFromHeap(info: Info): Float32Array };

/**
 * wasm's Slice reads its whole input out of the heap (a copy) for every slice, even a contiguous one: cutting
 * Adam's flat vector of G's 260,000 weights back into its 11 weights took 8 ms. A contiguous slice copies only its
 * own elements.
 */
export function slice({ inputs, backend, attrs }: KernelArgs): Info {
  const { x } = inputs as { x: Info };
  const { begin, size } = attrs as unknown as { begin: number[]; size: number[] };
  const [start, length] = tf.slice_util.parseSliceParams(x as tf.TensorInfo as tf.Tensor, begin, size);
  if (x.dtype === 'string' || !tf.slice_util.isSliceContinous(x.shape, start, length)) {
    return runOwn('Slice', { inputs, backend, attrs });
  }
  const heap = backend as unknown as Heap;
  const out = heap.makeOutput(length, x.dtype);
  const offset = tf.slice_util.computeFlatOffset(start, tf.util.computeStrides(x.shape));
  // The input's view is taken after makeOutput, which may grow (and so move) the heap.
  heap.typedArrayFromHeap(out).set(heap.typedArrayFromHeap(x).subarray(offset, offset + tf.util.sizeFromShape(length)));
  return out;
}

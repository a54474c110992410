import * as tf from '@tensorflow/tfjs-core';
import { runOwn } from './register.js';
import type { Info, KernelArgs } from './run.js';

/**
 * A reshape to the shape a tensor already has, or a cast to its own type, is the tensor itself: the cpu and wasm
 * backends share its buffer, while tfjs-node runs a TensorFlow op each time: a third of a native quickstart step's
 * reshapes (most from gradients) and nearly all of its casts (Mean casts its input to float32 first).
 */
function unchanged(kernelName: string, sameAsInput: (x: Info, attrs: Record<string, unknown>) => boolean) {
  return ({ inputs, backend, attrs }: KernelArgs): Info => {
    const { x } = inputs as { x: Info };
    if (!sameAsInput(x, attrs ?? {})) return runOwn(kernelName, { inputs, backend, attrs });
    (backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

export const reshape = unchanged('Reshape', (x, attrs) =>
  tf.util.arraysEqual(x.shape, tf.util.inferFromImplicitShape(attrs.shape as number[], tf.util.sizeFromShape(x.shape))),
);
export const cast = unchanged('Cast', (x, attrs) => x.dtype === attrs.dtype);

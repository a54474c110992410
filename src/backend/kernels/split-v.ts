import * as tf from '@tensorflow/tfjs-core';
import { type Backend, type Info, type KernelArgs, run } from './run.js';

/** wasm's SplitV calls its own Slice directly: this one cuts through the registered Slice. */
export function splitV({ inputs, backend, attrs }: KernelArgs): Info[] {
  const { x } = inputs as { x: Info };
  const { numOrSizeSplits, axis } = attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
  const along = tf.util.parseAxisParam(axis, x.shape)[0];
  const begin = x.shape.map(() => 0);
  return tf.backend_util.prepareSplitSize(x as tf.TensorInfo as tf.Tensor, numOrSizeSplits, along).map((part) => {
    const size = [...x.shape];
    size[along] = part;
    const out = run('Slice', backend as unknown as Backend, { x }, { begin: [...begin], size });
    begin[along] += part;
    return out;
  });
}

import { runOwn } from './register.js';
import { type Backend, dispose, type Info, type KernelArgs, run } from './run.js';

/**
 * wasm's Tile copies element by element: 56 ms to tile 32 values to 64x14x14x32 (batch norm's gradient does, on
 * every step). Repeating only axes of size 1 is a broadcast, which XNNPACK's Add of zeros of the repeats' shape does.
 */
export function tile({ inputs, backend, attrs }: KernelArgs): Info {
  const { x } = inputs as { x: Info };
  const { reps } = attrs as unknown as { reps: number[] };
  if (x.dtype !== 'float32' || reps.some((times, axis) => times > 1 && x.shape[axis] !== 1)) {
    return runOwn('Tile', { inputs, backend, attrs });
  }
  const own = backend as unknown as Backend;
  const zeros = run('Fill', own, {}, { shape: reps, value: 0, dtype: 'float32' });
  const tiled = run('Add', own, { a: x, b: zeros });
  dispose(own, zeros);
  return tiled;
}

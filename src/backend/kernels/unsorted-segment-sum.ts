import { type Backend, dispose, type Info, type KernelArgs, run } from './run.js';

/**
 * out[s, ...] = sum of x[i, ...] over i with segmentIds[i] = s (the gradient of a gather: the class embedding's),
 * as one matrix product onehot(segmentIds)^T x.
 */
export function unsortedSegmentSum({ inputs, backend, attrs }: KernelArgs): Info {
  const { x, segmentIds } = inputs as { x: Info; segmentIds: Info };
  const { numSegments } = attrs as unknown as { numSegments: number };
  const wasm = backend as unknown as Backend;
  const rows = segmentIds.shape.reduce((a, b) => a * b, 1);
  const rest = x.shape.slice(segmentIds.shape.length);
  const width = rest.reduce((a, b) => a * b, 1);
  const ids = run('Reshape', wasm, { x: segmentIds }, { shape: [rows] });
  // wasm's OneHot writes int32 whatever dtype it is asked for: cast to x's type.
  const oneHotInts = run(
    'OneHot',
    wasm,
    { indices: ids },
    { depth: numSegments, onValue: 1, offValue: 0, dtype: 'int32' },
  );
  const oneHot = run('Cast', wasm, { x: oneHotInts }, { dtype: x.dtype });
  const left = run('Reshape', wasm, { x: oneHot }, { shape: [1, rows, numSegments] });
  const right = run('Reshape', wasm, { x }, { shape: [1, rows, width] });
  const product = run('BatchMatMul', wasm, { a: left, b: right }, { transposeA: true, transposeB: false });
  const out = run('Reshape', wasm, { x: product }, { shape: [numSegments, ...rest] });
  dispose(wasm, ids, oneHotInts, oneHot, left, right, product);
  return out;
}

import { batchMatMul } from './batch-mat-mul.js';
import { conv2DBackpropFilter } from './conv2d-backprop-filter.js';
import { conv2DBackpropInput } from './conv2d-backprop-input.js';
import { type KernelRow, registerKernels } from './register.js';
import { slice } from './slice.js';
import { splitV } from './split-v.js';
import { tile } from './tile.js';
import { unsortedSegmentSum } from './unsorted-segment-sum.js';

/**
 * On wasm, what training needs and wasm lacks (the first two) or runs as slow loops: XNNPACK convolutions and
 * matrix products, transposes and slices instead.
 */
const wasmKernels: KernelRow[] = [
  ['Conv2DBackpropFilter', conv2DBackpropFilter],
  ['UnsortedSegmentSum', unsortedSegmentSum],
  ['Conv2DBackpropInput', conv2DBackpropInput()],
  ['Slice', slice],
  ['SplitV', splitV],
  ['BatchMatMul', batchMatMul],
  ['Tile', tile],
];

export function registerWasmKernels(): void {
  registerKernels('wasm', wasmKernels);
}

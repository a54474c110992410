import * as tf from '@tensorflow/tfjs-core';

/**
 * Kernels gx adds to or replaces in a backend, each composed of that backend's own fast kernels: on wasm, what
 * training needs and wasm lacks or runs as slow loops (XNNPACK convolutions and matrix products, transposes and
 * slices instead); on tensorflow, the input gradient of a stride-1 convolution, which TensorFlow's CPU kernel runs
 * up to 5x slower than the equivalent forward convolution, and kernels where tfjs-node does needless work.
 */
type Info = tf.TensorInfo;
type KernelArgs = Parameters<tf.KernelFunc>[0];
type Backend = { disposeData(dataId: object): void };

/** Runs another kernel of the active backend directly, as its own kernels do, without going through the engine. */
function run(kernelName: string, backend: Backend, inputs: Record<string, Info>, attrs: object = {}): Info {
  const kernel = tf.getKernel(kernelName, tf.getBackend());
  if (!kernel) throw new Error(`the ${tf.getBackend()} backend has no ${kernelName} kernel`);
  return kernel.kernelFunc({ inputs, backend: backend as never, attrs: attrs as tf.NamedAttrMap }) as Info;
}

function dispose(backend: Backend, ...infos: Info[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/**
 * The filter gradient of a 2-D convolution, dW[kh, kw, ci, co] = sum over n, oh, ow of
 * x[n, oh*s + kh*d - top, ow*s + kw*d - left, ci] * dy[n, oh, ow, co], is itself a convolution: of x with the
 * channels as the batch ([ci, H, W, n]) by dy as the filter ([oh, ow, n, co]), with the forward stride as the
 * dilation and the forward dilation as the stride. The forward padding is explicit; rows the forward convolution
 * never reached are sliced off.
 */
function conv2DBackpropFilter({ inputs, backend, attrs }: KernelArgs): Info {
  const { x, dy } = inputs as { x: Info; dy: Info };
  const { strides, pad, dilations, dimRoundingMode, filterShape } = attrs as unknown as {
    strides: [number, number] | number;
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dilations: [number, number] | number;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  };
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    dilations ?? 1,
    pad,
    dimRoundingMode,
  );
  const [kh, kw] = [info.filterHeight, info.filterWidth];
  const bottom = Math.max(
    0,
    (kh - 1) * info.dilationHeight + (info.outHeight - 1) * info.strideHeight + 1 - info.inHeight - info.padInfo.top,
  );
  const right = Math.max(
    0,
    (kw - 1) * info.dilationWidth + (info.outWidth - 1) * info.strideWidth + 1 - info.inWidth - info.padInfo.left,
  );
  const wasm = backend as unknown as Backend;

  const channelsAsBatch = run('Transpose', wasm, { x }, { perm: [3, 1, 2, 0] });
  const dyAsFilter = run('Transpose', wasm, { x: dy }, { perm: [1, 2, 0, 3] });
  const correlated = run(
    'Conv2D',
    wasm,
    { x: channelsAsBatch, filter: dyAsFilter },
    {
      strides: [info.dilationHeight, info.dilationWidth],
      dilations: [info.strideHeight, info.strideWidth],
      pad: [
        [0, 0],
        [info.padInfo.top, bottom],
        [info.padInfo.left, right],
        [0, 0],
      ],
      dataFormat: 'NHWC',
    },
  );
  const cropped = run(
    'Slice',
    wasm,
    { x: correlated },
    { begin: [0, 0, 0, 0], size: [info.inChannels, kh, kw, info.outChannels] },
  );
  const filterGradient = run('Transpose', wasm, { x: cropped }, { perm: [1, 2, 0, 3] });
  dispose(wasm, channelsAsBatch, dyAsFilter, correlated, cropped);
  return filterGradient;
}

/**
 * out[s, ...] = sum of x[i, ...] over i with segmentIds[i] = s (the gradient of a gather: the class embedding's),
 * as one matrix product onehot(segmentIds)^T x.
 */
function unsortedSegmentSum({ inputs, backend, attrs }: KernelArgs): Info {
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

/**
 * The input gradient of a 2-D convolution (also the forward pass of a transposed convolution) as one plain
 * convolution. With stride s, input pixel s*i + a (phase a) receives dy[i + d] through filter tap a + before - s*d:
 * for each of the s*s phases (row, column) that is a small correlation of dy, and with the phases stacked as
 * output channels it is one convolution, whose channels a depth-to-space shuffle puts in place. (With stride 1 it
 * is dy convolved with the filter rotated by 180 degrees, its channels swapped.) XNNPACK runs it about 10x faster
 * than wasm's own Conv2DBackpropInput, and 4x faster than spreading dy with zeros first (the quickstart's ten a
 * step: 700 ms, then 175 ms); TensorFlow's CPU kernel wins for strides above 1 (a quickstart step 35 ms faster)
 * and results of few channels. With unequal strides, or where `keepOriginal` says so, the backend's own kernel runs.
 */
function conv2DBackpropInput(keepOriginal: (info: tf.backend_util.Conv2DInfo) => boolean = () => false) {
  return (original: tf.KernelFunc) =>
    ({ inputs, backend, attrs }: KernelArgs): Info => {
      const { dy, filter } = inputs as { dy: Info; filter: Info };
      const { inputShape, strides, pad, dimRoundingMode } = attrs as unknown as {
        inputShape: [number, number, number, number];
        strides: [number, number] | number;
        pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
        dimRoundingMode?: 'floor' | 'round' | 'ceil';
      };
      const filterShape = filter.shape as [number, number, number, number];
      const info = tf.backend_util.computeConv2DInfo(inputShape, filterShape, strides, 1, pad, dimRoundingMode);
      const s = info.strideHeight;
      const [n, oh, ow, co] = dy.shape;
      const rows = phaseAxis(info.inHeight, oh, info.filterHeight, s, info.padInfo.top);
      const columns = phaseAxis(info.inWidth, ow, info.filterWidth, s, info.padInfo.left);
      if (info.strideWidth !== s || !rows || !columns || keepOriginal(info)) {
        return original({ inputs, backend, attrs }) as Info;
      }
      const own = backend as unknown as Backend;
      const ci = info.inChannels;
      const temporaries: Info[] = [];
      const temporary = (tensor: Info) => {
        temporaries.push(tensor);
        return tensor;
      };

      // The filter for all phases at once: [row offset, column offset, co, (row phase, column phase, ci)], gathered
      // from its taps and one zero tap appended to them.
      const taps = info.filterHeight * info.filterWidth;
      const index: number[] = [];
      for (const rowTaps of rows.taps) {
        for (const columnTaps of columns.taps) {
          for (const r of rowTaps)
            for (const c of columnTaps) index.push(r < 0 || c < 0 ? taps : r * info.filterWidth + c);
        }
      }
      const flat = temporary(run('Reshape', own, { x: filter }, { shape: [taps, ci, co] }));
      const withZero = temporary(
        run(
          'PadV2',
          own,
          { x: flat },
          {
            paddings: [
              [0, 1],
              [0, 0],
              [0, 0],
            ],
            constantValue: 0,
          },
        ),
      );
      const indices = tf.tensor1d(index, 'int32');
      const gathered = temporary(run('GatherV2', own, { x: withZero, indices }, { axis: 0, batchDims: 0 }));
      indices.dispose();
      const arranged = temporary(
        run('Reshape', own, { x: gathered }, { shape: [rows.taps.length, columns.taps.length, s, s, ci, co] }),
      );
      const moved = temporary(run('Transpose', own, { x: arranged }, { perm: [0, 1, 5, 2, 3, 4] }));
      const phaseFilter = temporary(
        run('Reshape', own, { x: moved }, { shape: [rows.taps.length, columns.taps.length, co, s * s * ci] }),
      );

      const read =
        rows.begin === 0 && rows.end === oh && columns.begin === 0 && columns.end === ow
          ? dy
          : temporary(
              run(
                'Slice',
                own,
                { x: dy },
                {
                  begin: [0, rows.begin, columns.begin, 0],
                  size: [n, rows.end - rows.begin, columns.end - columns.begin, co],
                },
              ),
            );
      const explicit = [[0, 0], rows.padding, columns.padding, [0, 0]];
      let result = run(
        'Conv2D',
        own,
        { x: read, filter: phaseFilter },
        { strides: 1, dilations: 1, pad: explicit, dataFormat: 'NHWC' },
      );
      if (s > 1) {
        // Depth to space: [n, R, C, (a, b, ci)] -> [n, R*s, C*s, ci], then cut to the input's size.
        const [height, width] = [rows.perPhase * s, columns.perPhase * s];
        const split = temporary(
          run('Reshape', own, { x: temporary(result) }, { shape: [n, rows.perPhase, columns.perPhase, s, s, ci] }),
        );
        const interleaved = temporary(run('Transpose', own, { x: split }, { perm: [0, 1, 3, 2, 4, 5] }));
        result = run('Reshape', own, { x: interleaved }, { shape: [n, height, width, ci] });
        if (height !== info.inHeight || width !== info.inWidth) {
          result = run('Slice', own, { x: temporary(result) }, { begin: [0, 0, 0, 0], size: inputShape });
        }
      }
      dispose(own, ...temporaries);
      return result;
    };
}

/**
 * One axis of conv2DBackpropInput by phases: for output offset u and phase a, the filter tap that reads dy[i + d]
 * (d = u + the first offset), or -1; which rows of dy are read (begin, end) and how many zeros pad them; and the
 * rows per phase. Undefined where no row of dy is read (a degenerate padding).
 */
function phaseAxis(size: number, dySize: number, k: number, s: number, before: number) {
  const first = Math.ceil((before - k + 1) / s);
  const last = Math.floor((s - 1 + before) / s);
  const perPhase = Math.ceil(size / s);
  const taps = Array.from({ length: last - first + 1 }, (_, u) =>
    Array.from({ length: s }, (_, a) => {
      const tap = a + before - s * (u + first);
      return tap >= 0 && tap < k ? tap : -1;
    }),
  );
  const [begin, end] = [Math.max(0, first), Math.min(dySize, perPhase + last)];
  if (end <= begin) return undefined;
  return { taps, perPhase, begin, end, padding: [Math.max(0, -first), Math.max(0, perPhase + last - dySize)] };
}

/**
 * wasm's BatchMatMul with a transposed operand runs at about 1 GFLOP/s, against 20 and more without: a dense
 * layer's gradients (x^T dy, dy W^T) take that path. Transposing the operand first (a fast copy) avoids it.
 */
function batchMatMul(original: tf.KernelFunc) {
  return ({ inputs, backend, attrs }: KernelArgs): Info => {
    const { a, b } = inputs as { a: Info; b: Info };
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return original({ inputs, backend, attrs }) as Info;
    const wasm = backend as unknown as Backend;
    const transposed = (x: Info) => {
      const perm = x.shape.map((_, i) => i);
      perm.splice(-2, 2, perm.length - 1, perm.length - 2);
      return run('Transpose', wasm, { x }, { perm });
    };
    const [left, right] = [transposeA ? transposed(a) : a, transposeB ? transposed(b) : b];
    const result = original({
      inputs: { a: left, b: right },
      backend,
      attrs: { ...attrs, transposeA: false, transposeB: false },
    }) as Info;
    dispose(wasm, ...[left, right].filter((x) => x !== a && x !== b));
    return result;
  };
}

/**
 * wasm's Tile copies element by element: 56 ms to tile 32 values to 64x14x14x32 (batch norm's gradient does, on
 * every step). Repeating only axes of size 1 is a broadcast, which XNNPACK's Add of zeros of the repeats' shape does.
 */
function tile(original: tf.KernelFunc) {
  return ({ inputs, backend, attrs }: KernelArgs): Info => {
    const { x } = inputs as { x: Info };
    const { reps } = attrs as unknown as { reps: number[] };
    if (x.dtype !== 'float32' || reps.some((times, axis) => times > 1 && x.shape[axis] !== 1)) {
      return original({ inputs, backend, attrs }) as Info;
    }
    const own = backend as unknown as Backend;
    const zeros = run('Fill', own, {}, { shape: reps, value: 0, dtype: 'float32' });
    const tiled = run('Add', own, { a: x, b: zeros });
    dispose(own, zeros);
    return tiled;
  };
}

type Heap = { makeOutput(shape: number[], dtype: tf.DataType): Info; typedArrayFromHeap(info: Info): Float32Array };

/**
 * wasm's Slice reads its whole input out of the heap (a copy) for every slice, even a contiguous one: cutting
 * Adam's flat vector of G's 260,000 weights back into its 11 weights took 8 ms. A contiguous slice copies only its
 * own elements.
 */
function slice(original: tf.KernelFunc) {
  return ({ inputs, backend, attrs }: KernelArgs): Info => {
    const { x } = inputs as { x: Info };
    const { begin, size } = attrs as unknown as { begin: number[]; size: number[] };
    const [start, length] = tf.slice_util.parseSliceParams(x as tf.TensorInfo as tf.Tensor, begin, size);
    if (x.dtype === 'string' || !tf.slice_util.isSliceContinous(x.shape, start, length)) {
      return original({ inputs, backend, attrs }) as Info;
    }
    const heap = backend as unknown as Heap;
    const out = heap.makeOutput(length, x.dtype);
    const offset = tf.slice_util.computeFlatOffset(start, tf.util.computeStrides(x.shape));
    // The input's view is taken after makeOutput, which may grow (and so move) the heap.
    heap
      .typedArrayFromHeap(out)
      .set(heap.typedArrayFromHeap(x).subarray(offset, offset + tf.util.sizeFromShape(length)));
    return out;
  };
}

/** wasm's SplitV calls its own Slice directly: this one cuts through the registered Slice. */
function splitV({ inputs, backend, attrs }: KernelArgs): Info[] {
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

/**
 * A reshape to the shape a tensor already has, or a cast to its own type, is the tensor itself: the cpu and wasm
 * backends share its buffer, while tfjs-node runs a TensorFlow op each time: a third of a native quickstart step's
 * reshapes (most from gradients) and nearly all of its casts (Mean casts its input to float32 first).
 */
function unchanged(sameAsInput: (x: Info, attrs: Record<string, unknown>) => boolean) {
  return (original: tf.KernelFunc) =>
    ({ inputs, backend, attrs }: KernelArgs): Info => {
      const { x } = inputs as { x: Info };
      if (!sameAsInput(x, attrs ?? {})) return original({ inputs, backend, attrs }) as Info;
      (backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    };
}

const reshape = unchanged((x, attrs) =>
  tf.util.arraysEqual(x.shape, tf.util.inferFromImplicitShape(attrs.shape as number[], tf.util.sizeFromShape(x.shape))),
);
const cast = unchanged((x, attrs) => x.dtype === attrs.dtype);

/**
 * step(x) = 1 where x > 0, alpha elsewhere, x where x is NaN (ReLU's gradient is dy * step(x)). tfjs-node builds its
 * ones in JavaScript and copies them in: 3.4 ms for G's 64x14x14x32 activations. The same values from TensorFlow's
 * own ops take a third of that.
 */
function step(original: tf.KernelFunc) {
  return ({ inputs, backend, attrs }: KernelArgs): Info => {
    const { x } = inputs as { x: Info };
    const { alpha } = attrs as unknown as { alpha: number };
    if (x.dtype !== 'float32') return original({ inputs, backend, attrs }) as Info;
    const own = backend as unknown as Backend & tf.KernelBackend;
    const temporaries: Info[] = [];
    const temporary = (tensor: Info) => {
      temporaries.push(tensor);
      return tensor;
    };
    const zero: Info = { dataId: own.write(new Float32Array(1), [], 'float32'), shape: [], dtype: 'float32' };
    const fill = (value: number) => temporary(run('Fill', own, {}, { shape: x.shape, value, dtype: 'float32' }));
    const positive = temporary(run('Greater', own, { a: x, b: temporary(zero) }));
    const stepped = temporary(
      alpha === 0
        ? run('Cast', own, { x: positive }, { dtype: 'float32' })
        : run('Select', own, { condition: positive, t: fill(1), e: fill(alpha) }),
    );
    const result = run('Select', own, { condition: temporary(run('IsNan', own, { x })), t: x, e: stepped });
    dispose(own, ...temporaries);
    return result;
  };
}

const replacedOn = new Set<string>();

/** Wraps a backend's own kernels, once per process; each original stays as the fallback (its setup still runs). */
function replaceKernels(backendName: string, replacements: [string, (original: tf.KernelFunc) => tf.KernelFunc][]) {
  if (replacedOn.has(backendName)) return;
  replacedOn.add(backendName);
  for (const [kernelName, replacement] of replacements) {
    const original = tf.getKernel(kernelName, backendName);
    if (!original) continue;
    tf.unregisterKernel(kernelName, backendName);
    tf.registerKernel({ ...original, kernelFunc: replacement(original.kernelFunc) });
  }
}

export function registerWasmTrainingKernels(): void {
  for (const [kernelName, kernelFunc] of [
    ['Conv2DBackpropFilter', conv2DBackpropFilter],
    ['UnsortedSegmentSum', unsortedSegmentSum],
  ] as const) {
    if (!tf.getKernel(kernelName, 'wasm')) {
      tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as tf.KernelFunc });
    }
  }
  replaceKernels('wasm', [
    ['Conv2DBackpropInput', conv2DBackpropInput()],
    ['Slice', slice],
    ['SplitV', () => splitV as tf.KernelFunc],
    ['BatchMatMul', batchMatMul],
    ['Tile', tile],
  ]);
}

/**
 * Measured with TensorFlow 2.21's CPU kernels, stride 1: 200x7x7x1024 -> 128 channels 3.4 s as Conv2DBackpropInput,
 * 0.71 s as a convolution; 200x14x14x512 -> 256, 4.1 s against 2.6 s. TensorFlow's own kernel stays faster with
 * strides and for a result of few channels, and runs where it can: it refuses explicit padding.
 */
export function registerTensorflowKernels(): void {
  const keepOriginal = (info: tf.backend_util.Conv2DInfo) =>
    info.padInfo.type !== 'EXPLICIT' && (info.strideHeight !== 1 || info.strideWidth !== 1 || info.inChannels < 8);
  replaceKernels('tensorflow', [
    ['Conv2DBackpropInput', conv2DBackpropInput(keepOriginal)],
    ['Reshape', reshape],
    ['Cast', cast],
    ['Step', step],
  ]);
}

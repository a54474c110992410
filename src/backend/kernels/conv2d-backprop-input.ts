import * as tf from '@tensorflow/tfjs-core';
import { runOwn } from './register.js';
import { type Backend, dispose, type Info, type KernelArgs, run } from './run.js';

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
export function conv2DBackpropInput(
  keepOriginal: (info: tf.backend_util.Conv2DInfo) => boolean = () => false,
): tf.KernelFunc {
  return ({ inputs, backend, attrs }: KernelArgs): Info => {
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
      return runOwn('Conv2DBackpropInput', { inputs, backend, attrs });
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

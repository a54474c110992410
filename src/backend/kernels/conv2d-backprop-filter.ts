import * as tf from '@tensorflow/tfjs-core';
import { type Backend, dispose, type Info, type KernelArgs, run } from './run.js';

/**
 * The filter gradient of a 2-D convolution, dW[kh, kw, ci, co] = sum over n, oh, ow of
 * x[n, oh*s + kh*d - top, ow*s + kw*d - left, ci] * dy[n, oh, ow, co], is itself a convolution: of x with the
 * channels as the batch ([ci, H, W, n]) by dy as the filter ([oh, ow, n, co]), with the forward stride as the
 * dilation and the forward dilation as the stride. The forward padding is explicit; rows the forward convolution
 * never reached are sliced off.
 */
export function conv2DBackpropFilter({ inputs, backend, attrs }: KernelArgs): Info {
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

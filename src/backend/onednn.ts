import * as tf from '@tensorflow/tfjs-core';
import { type NativeBackend, type OpAttr, oneDnnTurnedOff } from './native/load.js';

type Execute = NativeBackend['executeSingleOutput'];

/** The label TensorFlow registers oneDNN's kernels under; a `_kernel` attribute selects it. */
const ONEDNN_LABEL = 'MklNameChangeOp';

const nhwc = (attrs: OpAttr[]) => attrs.find((attr) => attr.name === 'data_format')?.value !== 'NCHW';

/**
 * The TensorFlow ops that run faster on oneDNN, its kernel for each, and when. Measured with TensorFlow 2.21 on 2
 * AVX2 cores, Eigen against oneDNN: the quickstart's 5x5 stride-2 convolution of 64x14x14x32 into 64 channels 5.4
 * against 4.7 ms, its input gradient 6.2 against 5.0, its filter gradient 7.4 against 5.7; the seed's 3x3 input
 * gradient of 100x7x7x128 from 256 channels 101 against 34 ms, its 2x2 filter gradient of 200x28x28x128 into 1
 * channel 213 against 40 ms; a product of 200x6272 by a transposed 1024x6272 48 against 37 ms (untransposed ones
 * are even). Eigen stays where it was faster: a result of fewer than 8 channels (that 200x28x28x128 into 1 channel
 * forward: 18 against 27 ms; the input gradient of 64x28x28x1: 1.5 against 4.7 ms) and the filter gradient of an
 * input of 128 or more channels (200x14x14x256 into 512: 1.4 against 1.7 s).
 */
const routes = new Map<string, { kernel: string; when(inputs: tf.TensorInfo[], attrs: OpAttr[]): boolean }>([
  ['Conv2D', { kernel: '_MklNativeConv2D', when: ([, filter], attrs) => nhwc(attrs) && filter.shape[3] >= 8 }],
  [
    'Conv2DBackpropInput',
    { kernel: '_MklNativeConv2DBackpropInput', when: ([, filter], attrs) => nhwc(attrs) && filter.shape[2] >= 8 },
  ],
  [
    'Conv2DBackpropFilter',
    { kernel: '_MklNativeConv2DBackpropFilter', when: ([x], attrs) => nhwc(attrs) && x.shape[3] < 128 },
  ],
  [
    'BatchMatMulV2',
    { kernel: '_MklBatchMatMulV2', when: (_, attrs) => attrs.some((attr) => attr.name === 'adj_y' && attr.value) },
  ],
]);

const routed = new WeakSet<object>();

/**
 * TensorFlow's x86 builds carry oneDNN's CPU kernels beside Eigen's, but pick them only when they rewrite a graph:
 * tfjs-node runs one op at a time, so every convolution ran on Eigen. Named with their label, oneDNN's kernels run
 * that way too, and this sends the ops in `routes` to them: a native quickstart step about 15% faster. Not on a GPU,
 * not where TF_ENABLE_ONEDNN_OPTS=0 (TensorFlow's own switch for oneDNN), and not where the library has no oneDNN
 * kernels (tried once on a 1x1 convolution). oneDNN sums in another order than Eigen, so results differ in the
 * last bits; each of its kernels gives the same bits on every call. Says whether oneDNN is in use.
 */
export function routeToOneDnn(backend: NativeBackend): boolean {
  if (routed.has(backend)) return true;
  if (backend.isUsingGpuDevice || oneDnnTurnedOff) return false;
  const eager = backend.executeSingleOutput.bind(backend);
  const label: OpAttr = { name: '_kernel', type: backend.binding.TF_ATTR_STRING, value: ONEDNN_LABEL };
  if (!hasOneDnnKernels(backend, eager, label)) return false;
  const float32 = (attrs: OpAttr[]) =>
    attrs.some((attr) => attr.name === 'T' && attr.value === backend.binding.TF_FLOAT);
  backend.executeSingleOutput = (op, attrs, inputs) => {
    const route = routes.get(op);
    return route && float32(attrs) && route.when(inputs, attrs)
      ? eager(route.kernel, [...attrs, label], inputs)
      : eager(op, attrs, inputs);
  };
  routed.add(backend);
  return true;
}

/** Whether the library has oneDNN's kernels: one 1x1 convolution on its `_MklNativeConv2D`. */
function hasOneDnnKernels(backend: NativeBackend, eager: Execute, label: OpAttr): boolean {
  const { TF_ATTR_TYPE, TF_ATTR_INT, TF_ATTR_STRING, TF_FLOAT } = backend.binding;
  const one = tf.ones([1, 1, 1, 1]);
  const attrs: OpAttr[] = [
    { name: 'T', type: TF_ATTR_TYPE, value: TF_FLOAT },
    { name: 'strides', type: TF_ATTR_INT, value: [1, 1, 1, 1] },
    { name: 'padding', type: TF_ATTR_STRING, value: 'VALID' },
    label,
  ];
  try {
    tf.engine()
      .makeTensorFromTensorInfo(eager('_MklNativeConv2D', attrs, [one, one]))
      .dispose();
    return true;
  } catch {
    return false;
  } finally {
    one.dispose();
  }
}

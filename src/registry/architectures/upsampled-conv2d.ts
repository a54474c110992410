import * as tf from '@tensorflow/tfjs-core';
import { Conv2D, type ConvArgs } from './conv2d.js';

type Shape = (number | null)[];

/**
 * Nearest-neighbour upsampling by 2, then a k x k 'same' convolution (the seed's UpSampling2D + Convolution2D),
 * with the same weights and, up to float rounding, the same function, for 9/25 of the multiplications when k = 5.
 * Each output pixel's phase (even or odd row, even or odd column) sees the small image through a 3x3 kernel whose
 * taps are sums of the 5x5 kernel's taps: one 3x3 convolution of the small image into 4x the filters, then a
 * depth-to-space shuffle, replaces the 5x5 convolution of the 4x larger image. Saved as UpSampling2D + Conv2D
 * (`withStandardLayers`), so stock tfjs loads the model.
 */
export class UpsampledConv2D extends Conv2D {
  static override readonly className = 'UpsampledConv2D';
  private readonly phases: number[][];

  constructor(args: ConvArgs) {
    super({ ...args, padding: 'same', strides: 1 });
    const size = args.kernelSize;
    if (typeof size !== 'number' || size % 2 === 0) throw new Error('UpsampledConv2D needs an odd, square kernel');
    this.phases = phaseTaps(size);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [n, h, w] = inputShape as Shape;
    return [n, (h as number) * 2, (w as number) * 2, this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const filter = phaseKernel(this.kernel.read() as tf.Tensor4D, this.phases);
      const bias = this.bias ? tf.tile(this.bias.read(), [4]) : undefined;
      const byPhase = tf.fused.conv2d({ x, filter, bias, strides: 1, pad: 'same' });
      const [n, h, w] = x.shape;
      const c = this.filters;
      // Channels (row phase, column phase, filter) -> rows and columns: a depth-to-space by 2 that has a gradient.
      const shuffled = tf.reshape(tf.transpose(tf.reshape(byPhase, [n, h, w, 2, 2, c]), [0, 1, 3, 2, 4, 5]), [
        n,
        2 * h,
        2 * w,
        c,
      ]);
      return this.activation.apply(shuffled);
    });
  }
}
tf.serialization.registerClass(UpsampledConv2D as unknown as tf.serialization.SerializableConstructor<never>);

/**
 * Which of the k taps along one axis land on which of the small image's 3 (for k = 5) neighbours: row
 * [phase * size + u] of the result, for output phase 0 or 1 and neighbour u, has a 1 at each tap t that reads it.
 * Output pixel 2i + phase, tap t, reads the upsampled pixel 2i + phase + t - p (p = (k-1)/2 is the 'same'
 * padding), which is small pixel i + floor((phase + t - p) / 2).
 */
function phaseTaps(k: number): number[][] {
  const p = (k - 1) / 2;
  const reach = Math.ceil(p / 2);
  const size = 2 * reach + 1;
  const rows = Array.from({ length: 2 * size }, () => new Array<number>(k).fill(0));
  for (const phase of [0, 1]) {
    for (let t = 0; t < k; t++) rows[phase * size + Math.floor((phase + t - p) / 2) + reach][t] = 1;
  }
  return rows;
}

/** The k x k x in x out kernel as a s x s x in x (2 * 2 * out) kernel, one output block per phase (row, column). */
function phaseKernel(kernel: tf.Tensor4D, phases: number[][]): tf.Tensor4D {
  const [k, , cin, cout] = kernel.shape;
  const s = phases.length / 2;
  const taps = tf.tensor2d(phases);
  // Rows first: [2s (row phase, u), k (column tap), in, out].
  const byRow = tf.matMul(taps, tf.reshape(kernel, [k, k * cin * cout]));
  // Then columns: [2s (column phase, v), 2s (row phase, u), in, out].
  const columnsFirst = tf.reshape(tf.transpose(tf.reshape(byRow, [2 * s, k, cin * cout]), [1, 0, 2]), [k, -1]);
  const both = tf.reshape(tf.matMul(taps, columnsFirst), [2, s, 2, s, cin, cout]);
  // (column phase, v, row phase, u, in, out) -> (u, v, in, row phase, column phase, out).
  return tf.reshape(tf.transpose(both, [3, 1, 4, 2, 0, 5]), [s, s, cin, 4 * cout]);
}

type LayerJson = { class_name: string; name?: string; config: Record<string, unknown>; inbound_nodes: unknown[] };
type TopologyJson = { config?: { layers?: LayerJson[] } };

/**
 * A saved model's topology with each UpsampledConv2D written as the two stock layers it computes, UpSampling2D
 * then Conv2D (same name, so the same weight names): any tfjs, a browser's included, loads it.
 */
export function withStandardLayers<T>(topology: T): T {
  const config = (topology as TopologyJson).config;
  if (!config?.layers?.some((layer) => layer.class_name === UpsampledConv2D.className)) return topology;
  const layers = config.layers.flatMap((layer) => {
    if (layer.class_name !== UpsampledConv2D.className) return [layer];
    const upsampling = `${layer.config.name}_upsampling`;
    const { trainable, dtype } = layer.config;
    return [
      {
        class_name: 'UpSampling2D',
        name: upsampling,
        config: {
          name: upsampling,
          trainable,
          dtype,
          size: [2, 2],
          data_format: 'channels_last',
          interpolation: 'nearest',
        },
        inbound_nodes: layer.inbound_nodes,
      },
      { ...layer, class_name: 'Conv2D', inbound_nodes: [[[upsampling, 0, 0, {}]]] },
    ];
  });
  return { ...topology, config: { ...config, layers } };
}

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export type ConvArgs = Parameters<typeof tfl.layers.conv2d>[0];
type ConvLayer = tfl.layers.Layer & {
  kernel: tfl.LayerVariable;
  bias: tfl.LayerVariable | null;
  activation: { apply(x: tf.Tensor): tf.Tensor; getClassName(): string };
  filters: number;
  strides: [number, number];
  padding: 'same' | 'valid' | 'causal';
  dataFormat: 'channelsLast' | 'channelsFirst';
  dilationRate: number | number[];
};

/** tfjs-layers exports conv2d's factory, not its class: the class is that of what the factory builds. */
const StockConv2D = Object.getPrototypeOf(tfl.layers.conv2d({ filters: 1, kernelSize: 1 })).constructor as new (
  args: ConvArgs,
) => ConvLayer;

/**
 * tfjs-layers' Conv2D, computing only the gradients a step asks for. When training, the stock layer runs a
 * convolution with a bias and no activation as tfjs's fused op, whose gradient computes those of the input, the
 * kernel and the bias all at once: D's kernel gradients in G's step and the image gradient in D's step, for
 * nothing. This layer runs the same fused kernel, so the same numbers come out, with a gradient in three parts
 * that tfjs runs only when asked (below). Same class name and config: it saves as the stock layer, and a stock
 * model loads as this one.
 */
export class Conv2D extends StockConv2D {
  static readonly className: string = 'Conv2D';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    const dilations = [this.dilationRate].flat();
    const fusable =
      this.activation.getClassName() === 'linear' &&
      this.dataFormat === 'channelsLast' &&
      this.padding !== 'causal' &&
      x.rank === 4 &&
      x.dtype === 'float32' &&
      dilations.every((rate) => rate === 1);
    if (!this.bias || !fusable) return super.call(inputs, kwargs);
    const [filter, bias] = [this.kernel.read(), this.bias.read()];
    const attrs = { strides: this.strides, pad: this.padding, dataFormat: 'NHWC', dilations: 1, activation: 'linear' };
    return tf.engine().runKernel(tf.FusedConv2D, { x, filter, bias }, attrs) as tf.Tensor;
  }
}
tf.serialization.registerClass(Conv2D as unknown as tf.serialization.SerializableConstructor<never>);

/**
 * The fused kernel's gradient for what `Conv2D` runs (no activation, unit dilation), as tfjs's fused op computes
 * it, but each part on demand. tfjs's own op takes its gradient another way, so this serves only direct calls.
 */
tf.registerGradient({
  kernelName: tf.FusedConv2D,
  inputsToSave: ['x', 'filter'],
  gradFunc: (gradient, saved, attrs) => {
    const dy = gradient as tf.Tensor4D;
    const [x, filter] = saved as tf.Tensor4D[];
    const { strides, pad, dimRoundingMode, activation } = attrs as unknown as tf.FusedConv2DAttrs;
    if (activation !== 'linear') throw new Error(`gx's FusedConv2D gradient has no ${activation} activation`);
    const conv = { strides, pad, dataFormat: 'NHWC', dimRoundingMode };
    return {
      x: () =>
        tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter }, { ...conv, inputShape: x.shape }) as tf.Tensor,
      filter: () =>
        tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { ...conv, filterShape: filter.shape }) as tf.Tensor,
      bias: () => tf.sum(dy, [0, 1, 2]),
    };
  },
});

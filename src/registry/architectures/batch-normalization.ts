import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { fusedBatchNormTraining, hasFusedBatchNorm } from '../../backend/fused-batch-norm.js';

type BatchNormArgs = Parameters<typeof tfl.layers.batchNormalization>[0];
type BatchNormLayer = tfl.layers.Layer & {
  axis: number;
  momentum: number;
  epsilon: number;
  gamma: tfl.LayerVariable | null;
  beta: tfl.LayerVariable | null;
  movingMean: tfl.LayerVariable;
  movingVariance: tfl.LayerVariable;
};

/**
 * tfjs-layers exports batchNormalization's factory, not its class: the class is the one registered for
 * deserialization. (Building a layer to get it would use up a layer name, and so rename the next model's weights.)
 */
const StockBatchNormalization = tf.serialization.SerializationMap.getMap().classNameMap
  .BatchNormalization[0] as unknown as new (
  args?: BatchNormArgs,
) => BatchNormLayer;

/**
 * tfjs-layers' BatchNormalization, training in one TensorFlow op where the backend has it (native TensorFlow):
 * normalisation and gradient as FusedBatchNormV3 and its gradient op, the moving averages updated as the stock
 * layer does. Its gradient has no gradient of its own, so use it where nothing differentiates twice (G, not a
 * critic under a gradient penalty). Same class name and config: it saves, and loads, as the stock layer.
 */
export class BatchNormalization extends StockBatchNormalization {
  static readonly className: string = 'BatchNormalization';

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const lastAxis = this.axis === -1 || this.axis === x.rank - 1;
    if (!kwargs.training || !hasFusedBatchNorm() || !lastAxis || !this.gamma || !this.beta || x.dtype !== 'float32') {
      return super.call(inputs, kwargs);
    }
    const [gamma, beta] = [this.gamma.read(), this.beta.read()];
    return tf.tidy(() => {
      const channels = x.shape[x.rank - 1];
      const image = x.rank === 4 ? (x as tf.Tensor4D) : (tf.reshape(x, [-1, 1, 1, channels]) as tf.Tensor4D);
      const [y, mean, variance] = fusedBatchNormTraining(image, gamma, beta, this.epsilon);
      for (const [average, value] of [
        [this.movingMean, mean],
        [this.movingVariance, variance],
      ] as const) {
        const old = average.read();
        average.write(tf.sub(old, tf.mul(tf.sub(old, value), 1 - this.momentum)));
      }
      return x.rank === 4 ? y : tf.reshape(y, x.shape);
    });
  }
}

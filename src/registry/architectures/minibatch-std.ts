import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type Shape = (number | null)[];

/**
 * Minibatch standard deviation (Karras et al. 2018, section 3): the spread of the features across the batch,
 * averaged to one number and appended as one more channel. D scores a batch of fakes that look alike as fake,
 * which pushes G towards variety. D sees real and fake batches separately, so the number describes one kind.
 */
export class MinibatchStd extends tfl.layers.Layer {
  static readonly className = 'MinibatchStd';

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    return [...shape.slice(0, -1), (shape[shape.length - 1] as number) + 1];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const deviation = tf.sub(x, tf.mean(x, 0));
      const spread = tf.mean(tf.sqrt(tf.add(tf.mean(tf.square(deviation), 0), 1e-8)));
      return tf.concat([x, tf.add(tf.zeros([...x.shape.slice(0, -1), 1]), spread)], -1);
    });
  }
}
tf.serialization.registerClass(MinibatchStd);

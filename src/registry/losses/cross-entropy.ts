import * as tf from '@tensorflow/tfjs-core';

/** The schema of a probability clip p (Keras 1 uses 1e-7; 0 is the exact loss), shared by both cross-entropies. */
export function probabilityClipOption(description: string) {
  return { type: 'number', minimum: 0, maximum: 0.01, default: 0, description } as const;
}

/**
 * Cross-entropies on raw scores, exact by default. With `clip` > 0 they are Keras 1's (backend
 * tensorflow_backend.py, 2016), which clips the probability to [clip, 1 - clip] before taking its log: the loss is
 * flat, and its gradient zero, where the model is surer than that (past a logit of about 16 for clip 1e-7).
 */

/**
 * Keras 1's binary_crossentropy bounds, as logits: float32's clip and 1 - clip, mapped back by log(p / (1 - p)).
 * Clip 0 gives [-Infinity, Infinity]: no clip at all.
 */
export function clippedLogitRange(clip: number): [number, number] {
  const low = Math.fround(clip);
  const high = Math.fround(1 - low);
  return [-Math.log(high / low), Math.log(high / Math.fround(1 - high))];
}

/**
 * Binary cross-entropy of sigmoid(v) against target t, per element: t softplus(-v) + (1 - t) softplus(v).
 * Keras 1 computes sigmoid, clips, and turns the probability back into a logit; clipping the logit is the same.
 */
export function sigmoidCrossEntropy(scores: tf.Tensor, target: number, clip = 0): tf.Tensor {
  return tf.tidy(() => {
    const v = tf.clipByValue(scores, ...clippedLogitRange(clip));
    return tf.add(tf.mul(target, tf.softplus(tf.neg(v))), tf.mul(1 - target, tf.softplus(v)));
  });
}

/**
 * Sparse softmax cross-entropy from raw logits, averaged over the batch: -log softmax(logits)[label].
 * Clipped as Keras 1's sparse_categorical_crossentropy: q = clip(softmax(logits)), then -log(q_c / sum(q)).
 */
export function softmaxCrossEntropy(logits: tf.Tensor, labels: tf.Tensor, clip = 0): tf.Tensor {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(tf.reshape(tf.cast(labels, 'int32'), [-1]) as tf.Tensor1D, logits.shape[1] as number);
    const logProbabilities =
      clip > 0 ? tf.logSoftmax(tf.log(tf.clipByValue(tf.softmax(logits), clip, 1 - clip))) : tf.logSoftmax(logits);
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, logProbabilities), 1)));
  });
}

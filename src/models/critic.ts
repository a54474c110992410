import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** D's outputs on a batch: the raw score per image and, with a class head, the raw class logits. */
export interface CriticOutput {
  score: tf.Tensor1D;
  logits?: tf.Tensor;
}

export interface CriticOptions {
  /**
   * The images' classes, [n] or [n, 1]. An AC-GAN head predicts classes and does not read them; a projection D
   * (model.d_conditioning) scores the image against them, so callers pass them where they have them.
   */
  labels?: tf.Tensor;
  /**
   * true (the default): training mode, dropout on, after fresh dropout seeds, as every step and regulariser calls
   * D. false: inference mode (the test rows), no dropout, and the seeds are left alone.
   */
  training?: boolean;
}

/** D as the steps, the regularisers and the test rows call it: the one way anything calls D. */
export type Critic = (images: tf.Tensor, options?: CriticOptions) => CriticOutput;

/**
 * `discriminator` as a Critic. `reseedDropout` runs before every training-mode call, so the dropout masks follow
 * the calls' order: a new caller of D in training mode changes every later mask. `augment` (train.augment) then
 * changes the images of every training-mode call, reals, fakes and a penalty's images alike.
 */
export function createCritic(
  discriminator: tfl.LayersModel,
  reseedDropout: () => void,
  augment?: (images: tf.Tensor) => tf.Tensor,
): Critic {
  const conditioned = discriminator.inputs.length > 1;
  return (imagesIn, { labels, training = true } = {}) => {
    if (training) reseedDropout();
    // Augmented only in training (train.augment), after the reseed: its draws follow the same call counter.
    const images = training && augment ? augment(imagesIn) : imagesIn;
    const out = discriminator.apply(conditioned ? [images, classInput(labels)] : images, { training }) as
      | tf.Tensor
      | tf.Tensor[];
    const [score, logits] = Array.isArray(out) ? out : [out];
    return { score: tf.reshape(score, [-1]), logits };
  };
}

/** Labels as a conditioned D's class input: int32, [n, 1]. */
function classInput(labels: tf.Tensor | undefined): tf.Tensor {
  if (!labels) throw new Error("a class-conditioned D (model.d_conditioning projection) needs the images' labels");
  return tf.reshape(tf.cast(labels, 'int32'), [-1, 1]);
}

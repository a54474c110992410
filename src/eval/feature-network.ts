import type * as tf from '@tensorflow/tfjs-core';
import type { Features } from '../registry/metrics/moments.js';

/**
 * What a metric measures images with: a judge trained on a labelled dataset (gx's LeNet for MNIST), or a network
 * trained elsewhere (an ImageNet Inception). A new kind of network is a new implementation of this, not an edit of
 * the evaluation.
 */
export interface FeatureNetwork {
  /**
   * Names the network and its weights (say `mnist-lenet-v2-<digest>`): recorded with every value measured with it,
   * and part of the key of cached reference statistics, so that values from two networks are never compared.
   */
  readonly id: string;
  /** The images it reads, NHWC; the evaluation gives it the set's and G's images in `range`. */
  readonly input: { height: number; width: number; channels: number; range: readonly [number, number] };
  /** Numbers worth recording once per run beside the floor (a judge's test accuracy), by metric key. */
  readonly facts: Record<string, number>;
  /** One feature vector per image (FID, KID, precision/recall compare these). */
  features(images: tf.Tensor4D): Features;
  /** Class probabilities per image, for networks that classify (the Inception score, class accuracy). */
  probabilities?(images: tf.Tensor4D): Features;
  dispose(): void;
}

/** A set of images as a network sees them; `probabilities` only when a chosen metric needs them. */
export interface Described {
  features: Features;
  probabilities?: Features;
}

import * as tf from '@tensorflow/tfjs-core';
import { makeBatch } from '../data/batches.js';
import type { ImageSet } from '../data/image-set.js';
import { GxError } from '../errors.js';
import type { Features } from '../registry/metrics/moments.js';
import type { Described, FeatureNetwork } from './feature-network.js';

/** Images a network reads at once. */
const CHUNK = 500;

/**
 * A network's view of images as gx holds them (pixels in [-1, 1], as the GAN sees them), mapped to the range the
 * network reads; its class probabilities only when `probabilities` is asked.
 */
export function describe(network: FeatureNetwork, images: tf.Tensor4D, probabilities: boolean): Described {
  const [low, high] = network.input.range;
  // The identity is skipped, not computed: the judge's features stay bit for bit what they were.
  const input =
    low === -1 && high === 1 ? images : tf.tidy(() => tf.add(tf.mul(tf.add(images, 1), (high - low) / 2), low));
  try {
    const features = network.features(input as tf.Tensor4D);
    if (!probabilities) return { features };
    if (!network.probabilities) throw new Error(`${network.id} gives no class probabilities`);
    return { features, probabilities: network.probabilities(input as tf.Tensor4D) };
  } finally {
    if (input !== images) input.dispose();
  }
}

/** The network's view of a set's first `count` images, `CHUNK` at a time. */
export function describeImages(network: FeatureNetwork, set: ImageSet, count: number, probabilities: boolean) {
  const order = Uint32Array.from({ length: set.count }, (_, i) => i);
  const parts: Described[] = [];
  for (let start = 0; start < count; start += CHUNK) {
    const batch = makeBatch(set, order.subarray(start), 0, Math.min(CHUNK, count - start));
    parts.push(describe(network, batch.images, probabilities));
    tf.dispose([batch.images, batch.labels]);
  }
  return joinParts(parts);
}

/** Refuses a set the network cannot read: its features would mean nothing. */
export function checkReadable(network: FeatureNetwork, set: { height: number; width: number; channels: number }) {
  const { height, width, channels } = network.input;
  if (set.height === height && set.width === width && set.channels === channels) return;
  throw new GxError(
    'EVAL_SHAPE',
    `the feature network ${network.id} reads ${height}x${width}x${channels} images, not ${set.height}x${set.width}x${set.channels}`,
    'evaluate with a network made for this data',
  );
}

/** Parts described one after another, as one. */
export function joinParts(parts: Described[]): Described {
  const probabilities = parts[0]?.probabilities && concat(parts.map((part) => part.probabilities as Features));
  return { features: concat(parts.map((part) => part.features)), ...(probabilities && { probabilities }) };
}

function concat(parts: Features[]): Features {
  const values = new Float64Array(parts.reduce((n, p) => n + p.values.length, 0));
  let offset = 0;
  for (const part of parts) {
    values.set(part.values, offset);
    offset += part.values.length;
  }
  return { count: parts.reduce((n, p) => n + p.count, 0), dim: parts[0].dim, values };
}

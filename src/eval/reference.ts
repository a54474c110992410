import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-files.js';
import { type ImageSet, setDigest } from '../data/image-set.js';
import { featureMoments } from '../registry/metrics/backend-frechet.js';
import type { Features, Moments } from '../registry/metrics/moments.js';
import { describeImages } from './describe.js';
import type { FeatureNetwork } from './feature-network.js';

/** What generated images are measured against: a network's features of the reference set, and their moments. */
export interface Reference {
  features: Features;
  moments: Moments;
}

/** Where a reference's statistics are kept, and what they were computed from. */
export interface ReferenceKey {
  /** The SHA-256 of the set's pixels and labels (the first 16 hex digits). */
  digest: string;
  network: string;
  samples: number;
}

/** The statistics of a set's first `samples` images in `network`'s features, from scratch. */
export function reference(network: FeatureNetwork, set: ImageSet, samples = set.count): Reference {
  const { features } = describeImages(network, set, samples, false);
  return { features, moments: featureMoments(features) };
}

export function referenceKey(network: FeatureNetwork, set: ImageSet, samples: number): ReferenceKey {
  return { digest: setDigest(set).slice(0, 16), network: network.id, samples };
}

/**
 * The reference statistics, kept in gx's cache under (data digest, network id, samples): every evaluation of every
 * run against the same set with the same network reads them instead of describing the set again. Other data or
 * another network is another key, so a cached value never stands in for one that would differ.
 */
export async function cachedReference(
  network: FeatureNetwork,
  set: ImageSet,
  samples: number,
  cacheDir: string,
): Promise<Reference & { cached: boolean }> {
  const key = referenceKey(network, set, samples);
  const file = join(cacheDir, 'references', `${key.digest}-${key.network}-${key.samples}.bin`);
  const kept = await readFile(file).then(decode, () => undefined);
  if (kept && kept.features.count === samples) return { ...kept, cached: true };
  const computed = reference(network, set, samples);
  await mkdir(join(cacheDir, 'references'), { recursive: true });
  await writeFileAtomic(file, encode(computed));
  return { ...computed, cached: false };
}

/** count and dim (uint32 each), then the features, the mean and the covariance as float64: exact, no rounding. */
function encode({ features, moments }: Reference): Uint8Array {
  const head = new Uint32Array([features.count, features.dim]);
  const parts = [head, features.values, moments.mean, moments.covariance];
  const bytes = new Uint8Array(parts.reduce((n, part) => n + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(new Uint8Array(part.buffer, part.byteOffset, part.byteLength), offset);
    offset += part.byteLength;
  }
  return bytes;
}

/** A file that does not have the length its header promises is not used (it is computed again). */
function decode(file: Uint8Array): Reference | undefined {
  if (file.byteLength < 8) return undefined;
  const buffer = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength);
  const [count, dim] = new Uint32Array(buffer, 0, 2);
  if (file.byteLength !== 8 + 8 * (count * dim + dim + dim * dim)) return undefined;
  const floats = new Float64Array(buffer, 8);
  return {
    features: { count, dim, values: floats.slice(0, count * dim) },
    moments: { mean: floats.slice(count * dim, count * dim + dim), covariance: floats.slice(count * dim + dim) },
  };
}

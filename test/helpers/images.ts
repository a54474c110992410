import type { ImageSet } from '../../src/data/image-set.js';
import type { Image } from '../../src/images/image.js';

/**
 * A stand-in for a sample grid: `rows` x 10 tiles of 28 px, 2 px apart, each a few soft strokes with grain on black, as
 * G's digits are; `seed` draws other strokes, for frames that differ.
 */
export function gridLike(rows = 10, seed = 0): Image {
  const random = mulberry32(seed + 1);
  const [tile, gap, columns] = [28, 2, 10];
  const width = columns * (tile + gap) + gap;
  const height = rows * (tile + gap) + gap;
  const pixels = new Uint8Array(width * height);
  for (let n = 0; n < rows * columns; n++) {
    const [top, left] = [gap + Math.floor(n / columns) * (tile + gap), gap + (n % columns) * (tile + gap)];
    const strokes = Array.from({ length: 3 }, () => ({
      cy: 8 + random() * 12,
      cx: 8 + random() * 12,
      radius: 3 + random() * 6,
    }));
    for (let y = 0; y < tile; y++) {
      for (let x = 0; x < tile; x++) {
        let ink = 0;
        for (const { cy, cx, radius } of strokes) {
          ink = Math.max(ink, 1 - Math.abs(Math.hypot(y - cy, x - cx) - radius) / 2);
        }
        const grain = ink > 0 ? (random() - 0.5) * 60 : random() * 8;
        pixels[(top + y) * width + left + x] = Math.min(255, Math.max(0, Math.round(255 * ink + grain)));
      }
    }
  }
  return { width, height, channels: 1, pixels };
}

/** A small seeded generator (mulberry32) for test images that repeat. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The mean absolute difference of two images' pixels, 0-255. */
export function meanAbsDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`${a.length} pixels against ${b.length}`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

/** A 28x28 grey test split of `count` fixed, patterned images, labelled 0..9 in turn unless `labels` says. */
export function patternedTestSet(count: number, labels?: readonly number[]): ImageSet {
  return {
    dataset: 't',
    split: 'test',
    count,
    height: 28,
    width: 28,
    channels: 1,
    numClasses: 10,
    pixels: Uint8Array.from({ length: count * 784 }, (_, i) => (i * 37) % 256),
    labels: Uint8Array.from(labels ?? Array.from({ length: count }, (_, i) => i % 10)),
    files: [],
  };
}

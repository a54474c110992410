import { type FileHandle, open } from 'node:fs/promises';
import { GxError } from '../../errors.js';
import type { Split } from '../catalog.js';
import type { ImageSet } from '../image-set.js';
import type { FolderFit } from './decode-file.js';
import { type FolderCache, folderCache } from './folder-cache.js';
import { type FolderLabels, listFolder } from './folder-listing.js';

/** data: { type: image-folder, ... } as the experiment says it. */
export interface ImageFolderOptions {
  readonly path: string;
  readonly size: number;
  readonly channels: 1 | 3;
  readonly fit: FolderFit;
  readonly labels: FolderLabels;
  /** Below 1: the share of the images kept out of training (the test split); 1 or more: how many. */
  readonly holdout: number;
  readonly on_bad_file: 'skip' | 'fail';
  /** Decoded images up to this many MB are held in memory; more are read from the cache file batch by batch. */
  readonly memory_budget_mb: number;
}

export interface LoadedFolder {
  set: ImageSet;
  cache: FolderCache;
  /** Files that are not images of an accepted type, left alone. */
  ignored: number;
}

/**
 * One split of a folder of images: train (all but the holdout) or test (the holdout, the last images of the cache's
 * fixed shuffled order). Decoded once into gx's cache (see folder-cache.ts); then read whole into memory, or, above
 * the memory budget, left in the cache file and read a batch at a time.
 */
export async function loadImageFolder(
  options: ImageFolderOptions,
  split: Split,
  cacheDir: string,
): Promise<LoadedFolder> {
  const listing = await listFolder(options.path, options.labels);
  const { size, channels, fit, labels } = options;
  const cache = await folderCache(listing, { size, channels, fit, labels }, cacheDir, options.on_bad_file);
  const { meta } = cache;
  const held = holdoutCount(options.holdout, meta.count, options.path);
  if (split === 'test' && held === 0) {
    throw new GxError(
      'DATA_NO_SPLIT',
      `data.path ${options.path}: data.holdout is 0, so the folder has no test split`,
      'set data.holdout (a share such as 0.1, or a count) to keep images out of training for evaluation',
    );
  }
  const [first, count] = split === 'train' ? [0, meta.count - held] : [meta.count - held, held];
  const exampleBytes = size * size * channels;
  const inMemory = count * exampleBytes <= options.memory_budget_mb * 2 ** 20;
  const handle = await open(cache.pixelsPath, 'r');
  let pixels: ImageSet['pixels'];
  const labelBytes = new Uint8Array(count);
  try {
    await readFully(handle, labelBytes, meta.count * exampleBytes + first);
    if (inMemory) {
      pixels = new Uint8Array(count * exampleBytes);
      await readFully(handle, pixels, first * exampleBytes);
    } else {
      pixels = { path: cache.pixelsPath, first, exampleBytes, digest: meta.digest };
    }
  } finally {
    await handle.close();
  }
  const set: ImageSet = {
    dataset: 'image-folder',
    split,
    count,
    height: size,
    width: size,
    channels,
    numClasses: meta.classes.length,
    pixels,
    labels: labelBytes,
    files: [{ path: listing.root, origin: 'path', checksum: 'unknown' }],
    classNames: meta.classes,
    notes: folderNotes(cache, options),
  };
  return { set, cache, ignored: listing.ignored };
}

/** Fills `into` from `position` on: one read stops at 2 GB, and a file cut short fails rather than reads zeros. */
async function readFully(handle: FileHandle, into: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < into.length; ) {
    const { bytesRead } = await handle.read(into, done, Math.min(into.length - done, 2 ** 30), position + done);
    if (bytesRead === 0) throw new Error('the image-folder cache file is shorter than its record says');
    done += bytesRead;
  }
}

function holdoutCount(holdout: number, count: number, path: string): number {
  const held = holdout < 1 ? Math.round(holdout * count) : holdout;
  if (!Number.isInteger(held) || held >= count) {
    throw new GxError(
      'DATA_HOLDOUT',
      `data.holdout ${holdout} leaves no training images: data.path ${path} has ${count} decodable images`,
      'set data.holdout to a share below 1 (0.1) or a whole count below the number of images',
    );
  }
  return held;
}

/** What a person should hear once when the folder loads: files skipped, images of other sizes resized. */
function folderNotes({ meta }: FolderCache, options: ImageFolderOptions): string[] {
  const notes: string[] = [];
  if (meta.skipped.length > 0) {
    const [first] = meta.skipped;
    notes.push(
      `${options.path}: skipped ${meta.skipped.length} file(s) that are not decodable images (first: ${first.file}: ${first.reason})`,
    );
  }
  const target = `${options.size}x${options.size}`;
  const sizes = Object.entries(meta.sizes).sort((a, b) => b[1] - a[1]);
  const other = sizes.filter(([key]) => key !== target).reduce((sum, [, n]) => sum + n, 0);
  if (other > 0) {
    const listed = sizes.slice(0, 3).map(([key, n]) => `${n} of ${key}`);
    notes.push(
      `${options.path}: ${other} of ${meta.count} images are not ${target} (${listed.join(', ')}${sizes.length > 3 ? ', ...' : ''}): each was resized to ${target} (fit: ${options.fit})`,
    );
  }
  return notes;
}

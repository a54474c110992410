import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { syncFolder, writeFileAtomic } from '../../atomic-files.js';
import { sha256 } from '../../core/sha256.js';
import { GxError } from '../../errors.js';
import { createRandom } from '../../random.js';
import { type DecodeOptions, decodeFile } from './decode-file.js';
import type { FolderFile, FolderLabels, FolderListing } from './folder-listing.js';
import { inOrder } from './in-order.js';

/** Bump when the cache files' layout or the decoding changes, so that old caches are not read as new ones. */
const FORMAT = 1;

export interface CacheOptions extends DecodeOptions {
  labels: FolderLabels;
}

/** What the cache's JSON file says of its pixels file: `<count> x size x size x channels` bytes, then the labels. */
export interface FolderCacheMeta {
  format: number;
  count: number;
  size: number;
  channels: 1 | 3;
  classes: string[];
  /** SHA-256 of the pixels then the labels, as of an in-memory set's (sha256(pixels, labels)). */
  digest: string;
  /** Files that could not be decoded, in the order they were met. */
  skipped: { file: string; reason: string }[];
  /** How many images of each size (WxH) were found: more than one entry means some were resized. */
  sizes: Record<string, number>;
}

export interface FolderCache {
  meta: FolderCacheMeta;
  pixelsPath: string;
  /** hit: read as it was; built: decoded now (`decoded` files, in `seconds`). */
  state: 'hit' | 'built';
  decoded: number;
  seconds: number;
}

/**
 * The folder's images decoded to tensors, from gx's cache when the folder (its file list, sizes and times) and the
 * decoding options are as they were; else every file is decoded now, a few at a time, streamed to the cache file
 * (never all in memory), which is put in place atomically: a second run decodes nothing.
 */
export async function folderCache(
  listing: FolderListing,
  options: CacheOptions,
  cacheDir: string,
  onBadFile: 'skip' | 'fail',
): Promise<FolderCache> {
  const folder = join(cacheDir, 'image-folders');
  const key = cacheKey(listing, options);
  const pixelsPath = join(folder, `${key}.bin`);
  const metaPath = join(folder, `${key}.json`);
  const meta = await readMeta(metaPath, pixelsPath);
  if (meta) {
    if (onBadFile === 'fail' && meta.skipped.length > 0) throw badFile(listing.root, meta.skipped[0]);
    return { meta, pixelsPath, state: 'hit', decoded: 0, seconds: 0 };
  }
  await mkdir(folder, { recursive: true });
  const start = performance.now();
  const built = await build(listing, options, pixelsPath, onBadFile);
  await writeFileAtomic(metaPath, JSON.stringify(built));
  return {
    meta: built,
    pixelsPath,
    state: 'built',
    decoded: listing.files.length,
    seconds: (performance.now() - start) / 1000,
  };
}

/** Files decode in a fixed shuffled order, so that a holdout taken from the end spans every class. */
function storedOrder(files: readonly FolderFile[]): FolderFile[] {
  const random = createRandom(FORMAT);
  const order = [...files];
  for (let i = order.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

async function build(
  listing: FolderListing,
  options: CacheOptions,
  pixelsPath: string,
  onBadFile: 'skip' | 'fail',
): Promise<FolderCacheMeta> {
  const temporary = `${pixelsPath}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temporary, 'w');
  const hash = createHash('sha256');
  const labels: number[] = [];
  const skipped: FolderCacheMeta['skipped'] = [];
  const sizes: Record<string, number> = {};
  try {
    const decodes = inOrder(storedOrder(listing.files), 2 * availableParallelism(), async (file) => ({
      file,
      decoded: await decodeFile(file.path, options),
    }));
    for await (const { file, decoded } of decodes) {
      if (!decoded.ok) {
        const bad = { file: file.name, reason: decoded.reason };
        if (onBadFile === 'fail') throw badFile(listing.root, bad);
        skipped.push(bad);
        continue;
      }
      const key = `${decoded.width}x${decoded.height}`;
      sizes[key] = (sizes[key] ?? 0) + 1;
      hash.update(decoded.pixels);
      await handle.write(decoded.pixels);
      labels.push(file.label);
    }
    if (labels.length === 0) {
      throw new GxError(
        'DATA_NO_IMAGES',
        `data.path ${listing.root}: none of its ${listing.files.length} image files could be decoded (${skipped[0]?.file}: ${skipped[0]?.reason})`,
        'check that the files are images (PNG, JPEG, WebP, ...) and not damaged',
      );
    }
    const labelBytes = Uint8Array.from(labels);
    hash.update(labelBytes);
    await handle.write(labelBytes);
    await handle.sync();
    await handle.close();
    await rename(temporary, pixelsPath);
    await syncFolder(join(pixelsPath, '..'));
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(temporary, { force: true });
    throw error;
  }
  const { size, channels } = options;
  const classes = listing.classes;
  return { format: FORMAT, count: labels.length, size, channels, classes, digest: hash.digest('hex'), skipped, sizes };
}

/** The cached meta when it and a pixels file of the length it says are there; undefined otherwise. */
async function readMeta(metaPath: string, pixelsPath: string): Promise<FolderCacheMeta | undefined> {
  try {
    const meta = JSON.parse(await readFile(metaPath, 'utf8')) as FolderCacheMeta;
    const { size } = await stat(pixelsPath);
    const expected = meta.count * (meta.size * meta.size * meta.channels + 1);
    return meta.format === FORMAT && size === expected ? meta : undefined;
  } catch {
    return undefined;
  }
}

/** Everything the decoded tensors depend on: the folder, its files (names, sizes, times) and the options. */
function cacheKey(listing: FolderListing, { size, channels, fit, labels }: CacheOptions): string {
  const files = listing.files.map((file) => [file.name, file.size, file.mtimeMs, file.label]);
  return sha256(JSON.stringify({ format: FORMAT, root: listing.root, size, channels, fit, labels, files })).slice(
    0,
    32,
  );
}

function badFile(root: string, { file, reason }: { file: string; reason: string }): GxError {
  return new GxError(
    'DATA_BAD_IMAGE',
    `${join(root, file)}: not a decodable image (${reason})`,
    'remove or replace the file, or set data.on_bad_file: skip to train without it',
  );
}

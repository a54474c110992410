import { createRegistry, type RegistryEntry } from './registry.js';

export type Dataset = RegistryEntry;

const path = {
  type: 'string',
  minLength: 1,
  description: 'A folder with the four IDX files (raw or .gz); tried before the cache and any download',
};

export const datasets = createRegistry<Dataset>('dataset', [
  {
    name: 'mnist',
    summary: 'MNIST handwritten digits (LeCun et al. 1998), 60000 train and 10000 test images, 28x28x1',
    options: { properties: { path } },
  },
  {
    name: 'fashion-mnist',
    summary: 'Fashion-MNIST (Xiao et al. 2017), 60000 train and 10000 test images, 28x28x1',
    options: { properties: { path } },
  },
  {
    name: 'idx',
    summary: 'Any images and labels in IDX files, by path',
    options: {
      properties: {
        images: { type: 'string', minLength: 1, description: 'IDX images file (magic 2051), raw or .gz' },
        labels: { type: 'string', minLength: 1, description: 'IDX labels file (magic 2049), raw or .gz' },
      },
      required: ['images', 'labels'],
    },
  },
]);

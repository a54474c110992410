import type { ImageFolderOptions } from '../data/folder/image-folder.js';
import { loadImageFolder } from '../data/folder/image-folder.js';
import type { Dataset } from './dataset.js';

/** Any folder of images (a class per subfolder, or none), decoded once into gx's cache. */
export const imageFolder: Dataset<ImageFolderOptions> = {
  name: 'image-folder',
  summary: 'A folder of PNG/JPEG/WebP/GIF/TIFF/AVIF images, resized to size x size; a class per subfolder, or none',
  options: {
    properties: {
      path: { type: 'string', minLength: 1, description: 'The folder (relative to where gx runs, or absolute)' },
      size: {
        type: 'integer',
        minimum: 8,
        maximum: 512,
        default: 64,
        description: 'Side of the square images the GAN sees; each image is resized to it',
      },
      channels: { enum: [1, 3], default: 3, description: '3: colour (sRGB); 1: grey' },
      fit: {
        enum: ['crop', 'pad'],
        default: 'crop',
        description: 'crop: the centre square, then resized; pad: the whole image resized into the square, black bars',
      },
      labels: {
        enum: ['subfolders', 'none'],
        default: 'none',
        description:
          'subfolders: each top-level subfolder is a class (sorted by name; model.num_classes: auto follows); none: unlabelled',
      },
      holdout: {
        type: 'number',
        minimum: 0,
        default: 0.05,
        description:
          'Images kept out of training as the test split (the evaluation reference): a share below 1, or a count',
      },
      on_bad_file: {
        enum: ['skip', 'fail'],
        default: 'skip',
        description: 'An image file that cannot be decoded: skipped (and counted), or the run fails naming it',
      },
      memory_budget_mb: {
        type: 'integer',
        minimum: 1,
        default: 1024,
        description:
          'Decoded images up to this size are held in memory; a larger folder trains from the cache file, a batch at a time',
      },
    },
    required: ['path'],
  },
  async load(options, split, sources) {
    return (await loadImageFolder(options, split, sources.cacheDir)).set;
  },
};

import type { DatasetSpec, Split } from '../data/catalog.js';
import type { ImageSet } from '../data/image-set.js';
import type { DataSources } from '../data/sources.js';
import type { OptionsSchema, RegistryEntry, TypedOptions } from './registry.js';

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

import type { EvalNetworkConfig } from '../config/experiment.js';
import { type ImageSet, setDigest } from '../data/image-set.js';
import { GxError } from '../errors.js';
import { loadClassifier } from './classifier.js';
import type { FeatureNetwork } from './feature-network.js';
import { loadFileNetwork } from './file-network.js';

/**
 * The feature network eval.network names: a user's layers model, or gx's judge of the data's classes. A catalogued
 * dataset's judge is known by the dataset's name (MNIST's ships with gx); any other data's (a folder of images) by
 * the digest of its training images and labels, so that other data never reuses a judge trained on something else.
 */
export async function chooseNetwork(
  config: EvalNetworkConfig | undefined,
  data: { dataset: string; catalogued: boolean; train: ImageSet; test: ImageSet },
  cacheDir: string,
  log: (line: string) => void,
): Promise<FeatureNetwork> {
  if (config?.type === 'file') return loadFileNetwork(config, data.test);
  if (data.train.numClasses < 2) {
    throw new GxError(
      'EVAL_NO_LABELS',
      `gx's judge learns the data's classes, and ${data.dataset} has ${data.train.numClasses === 1 ? 'one' : 'none'}`,
      'give the folder class subfolders, or measure with your own network: eval.network: {type: file, path: ...}',
    );
  }
  const key = data.catalogued ? data.dataset : `${data.dataset}-${setDigest(data.train).slice(0, 16)}`;
  return loadClassifier(key, cacheDir, { train: data.train, test: data.test }, log);
}

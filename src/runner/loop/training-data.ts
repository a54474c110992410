import type { ResolvedExperiment, SettledExperiment } from '../../config/experiment.js';
import { cacheDir } from '../../data/cache-dir.js';
import { firstExamples, type ImageSet } from '../../data/image-set.js';
import { GxError } from '../../errors.js';
import { datasets } from '../../registry/datasets.js';

/**
 * The experiment's training images (downloaded when allowed and missing), their labels checked against the model's
 * classes (with num_classes: auto the model takes the data's, see withClasses).
 */
export async function loadTrainingData(experiment: ResolvedExperiment, download: boolean): Promise<ImageSet> {
  const dataset = datasets.get(experiment.data.type);
  const set = await dataset.load(experiment.data, 'train', { cacheDir: cacheDir(), download });
  checkLabels(set, experiment.model.num_classes);
  return firstExamples(set, experiment.data.limit);
}

/** The experiment's test split, for the test losses of the seed's epoch table (downloaded when missing). */
export async function loadTestData(experiment: SettledExperiment): Promise<ImageSet> {
  const set = await datasets
    .get(experiment.data.type)
    .load(experiment.data, 'test', { cacheDir: cacheDir(), download: true });
  checkLabels(set, experiment.model.num_classes);
  return set;
}

/** A conditional model embeds each label: one past its classes would be read out of bounds, silently. */
function checkLabels(set: ImageSet, classes: number | 'auto'): void {
  if (classes === 0 || classes === 'auto') return;
  const at = set.labels.findIndex((label) => label >= classes);
  if (at < 0) return;
  throw new GxError(
    'DATA_LABELS',
    `${set.files[1]?.path ?? set.dataset}: label ${set.labels[at]} (example ${at}) is not a class of the model: model.num_classes is ${classes}`,
    `set model.num_classes to ${Math.max(...set.labels) + 1} (labels 0 to ${Math.max(...set.labels)}), or 0 for an unconditional GAN`,
  );
}

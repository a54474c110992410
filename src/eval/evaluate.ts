import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { EvalConfig, ModelConfig, ResolvedExperiment } from '../config/experiment.js';
import { makeBatch } from '../data/batches.js';
import { cacheDir } from '../data/cache-dir.js';
import type { ImageSet } from '../data/image-set.js';
import { disposeLatent, generatorInputs, sampleLatent } from '../models/latent.js';
import { createRandom, deriveSeed } from '../random.js';
import { datasets } from '../registry/datasets.js';
import { evalMetrics } from '../registry/metrics/index.js';
import { type Features, type Moments, moments } from '../registry/metrics/moments.js';
import { type Classifier, loadClassifier } from './classifier.js';

/** What generated images are measured against: the classifier's view of the test split. */
export interface Reference {
  features: Features;
  moments: Moments;
}

/** The classifier's view (features, class probabilities) of a set's first `count` images. */
export function describeImages(classifier: Classifier, set: ImageSet, count = set.count) {
  const order = Uint32Array.from({ length: set.count }, (_, i) => i);
  const parts: { features: Features; probabilities: Features }[] = [];
  for (let start = 0; start < count; start += 500) {
    const batch = makeBatch(set, order.subarray(start), 0, Math.min(500, count - start));
    parts.push(classifier.describe(batch.images));
    tf.dispose([batch.images, batch.labels]);
  }
  return { features: concat(parts.map((p) => p.features)), probabilities: concat(parts.map((p) => p.probabilities)) };
}

export function reference(classifier: Classifier, test: ImageSet): Reference {
  const { features } = describeImages(classifier, test);
  return { features, moments: moments(features) };
}

/**
 * The chosen metrics of `described` images (generated ones, or a real split for the floor) against the reference.
 * `labels`: the classes the images were asked for, when the model is conditional (for class_accuracy).
 */
export function measure(
  metrics: EvalConfig['metrics'],
  described: { features: Features; probabilities: Features },
  against: Reference,
  labels?: ArrayLike<number>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const metric of evalMetrics.entries) {
    if (metrics.includes(metric.name)) Object.assign(out, metric.measure({ ...described, against, labels }));
  }
  return out;
}

/** G's images for a fixed set of latents (the same every evaluation of a run), described by the classifier. */
export function describeGenerated(
  generator: tfl.LayersModel,
  model: ModelConfig,
  classifier: Classifier,
  count: number,
  seed: number,
) {
  const random = createRandom(deriveSeed(seed, 'eval'));
  const labels = model.num_classes > 0 ? Array.from({ length: count }, (_, i) => i % model.num_classes) : undefined;
  const parts: { features: Features; probabilities: Features }[] = [];
  for (let start = 0; start < count; start += 500) {
    const size = Math.min(500, count - start);
    const latent = sampleLatent(model, size, random, labels?.slice(start, start + size));
    const images = tf.tidy(() => generator.predict(generatorInputs(latent)) as tf.Tensor4D);
    parts.push(classifier.describe(images));
    tf.dispose(images);
    disposeLatent(latent);
  }
  return {
    described: {
      features: concat(parts.map((p) => p.features)),
      probabilities: concat(parts.map((p) => p.probabilities)),
    },
    labels,
  };
}

function concat(parts: Features[]): Features {
  const values = new Float64Array(parts.reduce((n, p) => n + p.values.length, 0));
  let offset = 0;
  for (const part of parts) {
    values.set(part.values, offset);
    offset += part.values.length;
  }
  return { count: parts.reduce((n, p) => n + p.count, 0), dim: parts[0].dim, values };
}

export interface Evaluation {
  /** The classifier's test accuracy, and the metrics of real training images: the best a generator can hope for. */
  readonly floor: Record<string, number>;
  /** The metrics of G's images now. */
  evaluate(generator: tfl.LayersModel): Record<string, number>;
  dispose(): void;
}

/**
 * Readies the evaluation of an experiment's generator: the classifier of its dataset (the one gx ships, the same
 * for every run and user) and the test split's features.
 */
export async function prepareEvaluation(
  experiment: ResolvedExperiment,
  config: EvalConfig,
  log: (line: string) => void,
): Promise<Evaluation> {
  const dataset = datasets.get(experiment.data.type);
  const load = (split: 'train' | 'test') =>
    dataset.load(experiment.data, split, { cacheDir: cacheDir(), download: true });
  const [train, test] = [await load('train'), await load('test')];
  const classifier = await loadClassifier(dataset.name, cacheDir(), { train, test }, log);
  const against = reference(classifier, test);
  const real = describeImages(classifier, train, Math.min(config.samples, train.count));
  const floor = {
    classifier_test_accuracy: classifier.accuracy,
    ...Object.fromEntries(
      Object.entries(measure(config.metrics, real, against, train.labels)).map(([key, value]) => [
        `real_${key}`,
        value,
      ]),
    ),
  };
  return {
    floor,
    evaluate(generator) {
      const { model, seed } = experiment;
      const { described, labels } = describeGenerated(generator, model, classifier, config.samples, seed);
      return measure(config.metrics, described, against, labels);
    },
    dispose: () => classifier.dispose(),
  };
}

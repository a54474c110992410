import type * as tfl from '@tensorflow/tfjs-layers';
import type { EvalConfig, ModelConfig, ResolvedExperiment, SettledExperiment } from '../config/experiment.js';
import { cacheDir } from '../data/cache-dir.js';
import type { ImageSet } from '../data/image-set.js';
import { GxError } from '../errors.js';
import { generateInChunks } from '../models/generate.js';
import { disposeLatent, sampleLatent } from '../models/latent.js';
import { createRandom, deriveSeed } from '../random.js';
import { datasets } from '../registry/datasets.js';
import { chooseMetrics } from '../registry/metrics/index.js';
import type { Metric } from '../registry/metrics/metric.js';
import { chooseNetwork } from './choose-network.js';
import { checkReadable, describe, describeImages, joinParts } from './describe.js';
import type { Described, FeatureNetwork } from './feature-network.js';
import { cachedReference, type Reference } from './reference.js';

/** Images G draws at once for an evaluation. */
const CHUNK = 500;

/**
 * The chosen metrics of `described` images (generated ones, or a real split for the floor) against the reference.
 * `labels`: the classes the images were asked for, when the model is conditional (for class_accuracy).
 */
export function measure(
  metrics: readonly Metric[],
  described: Described,
  against: Reference,
  labels?: ArrayLike<number>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const metric of metrics) Object.assign(out, metric.measure({ ...described, against, labels }));
  return out;
}

/** G's images for a fixed set of latents (the same every evaluation of a run), described by the network. */
export function describeGenerated(
  generator: tfl.LayersModel,
  model: ModelConfig,
  network: FeatureNetwork,
  { count, seed, probabilities }: { count: number; seed: number; probabilities: boolean },
) {
  const random = createRandom(deriveSeed(seed, 'eval'));
  const labels = model.num_classes > 0 ? Array.from({ length: count }, (_, i) => i % model.num_classes) : undefined;
  // Drawn at once, the latents take the same numbers from `random` as drawn a chunk at a time: z row after row.
  const latent = sampleLatent(model, count, random, labels);
  const parts: Described[] = [];
  generateInChunks(generator, latent, CHUNK, (images) => parts.push(describe(network, images, probabilities)));
  disposeLatent(latent);
  return { described: joinParts(parts), labels };
}

export interface Evaluation {
  /** The network's id: recorded with every value, which means something only with the network it came from. */
  readonly network: string;
  /** The network's facts (a judge's test accuracy), and the metrics of real training images: the best G can reach. */
  readonly floor: Record<string, number>;
  /** The metrics of G's images now. */
  evaluate(generator: tfl.LayersModel): Record<string, number>;
  dispose(): void;
}

/**
 * The set generated images are measured against, apart from the data G trains on: today a dataset's test split.
 * The floor measures G's training images against it.
 */
async function referenceSet(experiment: ResolvedExperiment): Promise<{ train: ImageSet; reference: ImageSet }> {
  const dataset = datasets.get(experiment.data.type);
  const load = (split: 'train' | 'test') =>
    dataset.load(experiment.data, split, { cacheDir: cacheDir(), download: true });
  return { train: await load('train'), reference: await load('test') };
}

/**
 * Readies the evaluation of an experiment's generator: the feature network eval.network names (by default the judge
 * of its dataset's classes: the one gx ships, the same for every run and user) and the reference statistics (cached:
 * described once per data, network and size).
 */
export async function prepareEvaluation(
  experiment: SettledExperiment,
  config: EvalConfig,
  log: (line: string) => void,
): Promise<Evaluation> {
  const metrics = chooseMetrics(config.metrics);
  const { train, reference } = await referenceSet(experiment);
  const dataset = datasets.get(experiment.data.type);
  const network = await chooseNetwork(
    config.network,
    { dataset: dataset.name, catalogued: dataset.spec !== undefined, train, test: reference },
    cacheDir(),
    log,
  );
  checkReadable(network, reference);
  const probabilities = metrics.some((metric) => metric.needs === 'probabilities');
  if (probabilities && !network.probabilities) {
    const needing = metrics.filter((metric) => metric.needs === 'probabilities').map((metric) => metric.name);
    throw new GxError(
      'EVAL_NEEDS_PROBABILITIES',
      `${needing.join(', ')} need class probabilities; the feature network ${network.id} gives none`,
      'leave them out of eval.metrics',
    );
  }
  const against = await cachedReference(network, reference, reference.count, cacheDir());
  const real = describeImages(network, train, Math.min(config.samples, train.count), probabilities);
  const floor = {
    ...network.facts,
    ...Object.fromEntries(
      Object.entries(measure(metrics, real, against, train.labels)).map(([key, value]) => [`real_${key}`, value]),
    ),
  };
  return {
    network: network.id,
    floor,
    evaluate(generator) {
      const { model, seed } = experiment;
      const options = { count: config.samples, seed, probabilities };
      const { described, labels } = describeGenerated(generator, model, network, options);
      return measure(metrics, described, against, labels);
    },
    dispose: () => network.dispose(),
  };
}

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { writeFileDurably } from '../atomic-files.js';
import { sha256 } from '../core/sha256.js';
import { batchesPerEpoch, epochOrder, makeBatch } from '../data/batches.js';
import type { ImageSet } from '../data/image-set.js';
import { GxError } from '../errors.js';
import { loadLayersModel, saveLayersModel } from '../models/model-files.js';
import type { Features } from '../registry/metrics/moments.js';
import type { FeatureNetwork } from './feature-network.js';

/** Bump when the network or its training changes: a judge of another version is not used. */
const VERSION = 2;
/** Every judge is trained from seed 0, so that two runs' scores come from the same one. */
const SEED = 0;
const JUDGE_FILES = ['model/model.json', 'model/weights.bin'];
/** Adam's learning rate per epoch: halved over the last two, which takes the test accuracy past 99%. */
const LEARNING_RATES = [1e-3, 1e-3, 5e-4, 2.5e-4];
const BATCH = 128;

/** gx's judge as a feature network: its 128-unit layer's activations are the features. */
export interface Classifier extends FeatureNetwork {
  /** Accuracy on the dataset's test split. */
  readonly accuracy: number;
  probabilities(images: tf.Tensor4D): Features;
}

/** What a judge folder's judge.json says: its recipe and test accuracy, and the SHA-256 of each of its files. */
interface JudgeManifest {
  dataset: string;
  version: number;
  seed: number;
  epochs: number;
  accuracy: number;
  sha256: Record<string, string>;
}

/** The judges that ship with gx (classifiers/ at the package's root), so that every user's FID has the same judge. */
export const shippedJudges = fileURLToPath(new URL('../../../classifiers/', import.meta.url));
const judgeName = (dataset: string) => `${dataset}-lenet-v${VERSION}`;
/** Where the judge gx ships for `dataset` is (or would be). */
export const shippedJudge = (dataset: string) => join(shippedJudges, judgeName(dataset));

/**
 * gx's judge of generated images: a LeNet-style CNN (two 5x5 conv (16, 32 filters) + max-pool stages, a 128-unit
 * layer whose activations are the features, softmax), trained on the dataset's train split with images in [-1, 1] as
 * the GAN sees them. The one shipped with gx when there is one (checked against its SHA-256 sums); else trained once
 * with the same recipe and kept in gx's cache.
 */
export async function loadClassifier(
  dataset: string,
  cacheDir: string,
  data: { train: ImageSet; test: ImageSet },
  log: (line: string) => void = () => {},
): Promise<Classifier> {
  const shipped = shippedJudge(dataset);
  if (existsSync(shipped)) return loadJudge(shipped);
  const cached = join(cacheDir, 'classifiers', `${judgeName(dataset)}-seed${SEED}`);
  if (existsSync(join(cached, 'judge.json'))) return loadJudge(cached);
  log(`gx ships no classifier for ${dataset}: training one with gx's recipe (a few minutes, once; then cached)`);
  const model = await trainClassifier(dataset, data, log);
  await saveJudge(model, cached);
  model.dispose();
  return loadJudge(cached);
}

/** Trains a classifier with gx's fixed recipe: on one backend, the same weights every time. */
export async function trainClassifier(
  dataset: string,
  { train, test }: { train: ImageSet; test: ImageSet },
  log: (line: string) => void,
): Promise<TrainedClassifier> {
  const model = lenet([train.height, train.width, train.channels], train.numClasses, SEED);
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const epochs = LEARNING_RATES.length;
  for (let epoch = 0; epoch < epochs; epoch++) {
    // tfjs's Adam reads its learning rate at every step, so it can be lowered in place (its moments are kept).
    (model.optimizer as unknown as { learningRate: number }).learningRate = LEARNING_RATES[epoch];
    const order = epochOrder(train.count, SEED, epoch);
    const start = Date.now();
    for (let index = 0; index < batchesPerEpoch(train, BATCH); index++) {
      const batch = makeBatch(train, order, index, BATCH);
      const targets = tf.tidy(() => tf.cast(tf.oneHot(batch.labels, train.numClasses), 'float32'));
      await model.trainOnBatch(batch.images, targets);
      tf.dispose([batch.images, batch.labels, targets]);
    }
    log(`classifier epoch ${epoch + 1}/${epochs}: ${((Date.now() - start) / 1000).toFixed(0)} s`);
  }
  const accuracy = testAccuracy(model, test);
  log(`classifier test accuracy: ${(100 * accuracy).toFixed(2)}%`);
  return { dataset, model, accuracy, dispose: () => model.dispose() };
}

export interface TrainedClassifier {
  dataset: string;
  model: tfl.LayersModel;
  accuracy: number;
  dispose(): void;
}

/** Writes a judge folder: the model (layers format) and judge.json with the recipe, accuracy and checksums. */
export async function saveJudge(
  { dataset, model, accuracy }: TrainedClassifier,
  folder: string,
): Promise<JudgeManifest> {
  await saveLayersModel(model, join(folder, 'model'));
  const sha256: Record<string, string> = {};
  for (const file of JUDGE_FILES) sha256[file] = await fileSha256(join(folder, file));
  const manifest = { dataset, version: VERSION, seed: SEED, epochs: LEARNING_RATES.length, accuracy, sha256 };
  await writeFileDurably(join(folder, 'judge.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Loads a judge folder after checking its files against judge.json: a damaged judge would skew every score. */
async function loadJudge(folder: string): Promise<Classifier> {
  const manifest = await readJudgeManifest(folder);
  for (const file of JUDGE_FILES) {
    const actual = await fileSha256(join(folder, file)).catch(() => 'missing');
    if (actual !== manifest.sha256[file]) {
      throw damaged(folder, `is damaged: ${file} does not match its checksum in judge.json`);
    }
  }
  const id = `${basename(folder)}-${manifest.sha256['model/weights.bin'].slice(0, 12)}`;
  return judgeNetwork(id, await loadLayersModel(join(folder, 'model')), manifest.accuracy);
}

export async function readJudgeManifest(folder: string): Promise<JudgeManifest> {
  try {
    return JSON.parse(await readFile(join(folder, 'judge.json'), 'utf8'));
  } catch (error) {
    throw damaged(folder, `has no readable judge.json: ${(error as Error).message}`);
  }
}

/** A judge that cannot be trusted: the shipped one is reinstalled, a cached one trained again. */
function damaged(folder: string, what: string): GxError {
  return new GxError(
    'CLASSIFIER_DAMAGED',
    `the evaluation classifier in ${folder} ${what}`,
    folder.startsWith(shippedJudges)
      ? 'reinstall gx (npm ci)'
      : `delete ${folder}; the next evaluation trains it again`,
  );
}

export async function fileSha256(path: string): Promise<string> {
  return sha256(await readFile(path));
}

/** Every layer named, so that model.json is the same text however many models the process built before. */
function lenet(shape: number[], classes: number, seed: number): tfl.LayersModel {
  const init = (n: number) => tfl.initializers.glorotUniform({ seed: seed * 7 + n });
  const conv = (name: string, filters: number, n: number) =>
    tfl.layers.conv2d({
      name,
      filters,
      kernelSize: 5,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: init(n),
    });
  const input = tfl.input({ shape, name: 'image' });
  let x = conv('conv1', 16, 1).apply(input);
  x = tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }).apply(x);
  x = conv('conv2', 32, 2).apply(x);
  x = tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }).apply(x);
  x = tfl.layers.flatten({ name: 'flatten' }).apply(x);
  x = tfl.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init(3), name: 'features' }).apply(x);
  const output = tfl.layers
    .dense({ units: classes, activation: 'softmax', kernelInitializer: init(4), name: 'probabilities' })
    .apply(x);
  return tfl.model({ inputs: input, outputs: output as tfl.SymbolicTensor, name: 'classifier' });
}

function judgeNetwork(id: string, model: tfl.LayersModel, accuracy: number): Classifier {
  const featureModel = tfl.model({
    inputs: model.inputs,
    outputs: model.getLayer('features').output as tfl.SymbolicTensor,
  });
  const [height, width, channels] = model.inputs[0].shape.slice(1) as number[];
  const rows = (network: tfl.LayersModel, images: tf.Tensor4D): Features => {
    const out = network.predict(images, { batchSize: 500 }) as tf.Tensor2D;
    const features = { count: out.shape[0], dim: out.shape[1], values: Float64Array.from(out.dataSync()) };
    out.dispose();
    return features;
  };
  return {
    id,
    input: { height, width, channels, range: [-1, 1] },
    facts: { classifier_test_accuracy: accuracy },
    accuracy,
    features: (images) => rows(featureModel, images),
    probabilities: (images) => rows(model, images),
    dispose: () => model.dispose(),
  };
}

/** The share of `test` the model reads as its label, 500 images at a time (the last chunk only as many as are left). */
export function testAccuracy(model: tfl.LayersModel, test: ImageSet): number {
  let correct = 0;
  const order = Uint32Array.from({ length: test.count }, (_, i) => i);
  for (let start = 0; start < test.count; start += 500) {
    const batch = makeBatch(test, order.subarray(start), 0, Math.min(500, test.count - start));
    const predicted = tf.tidy(() => tf.argMax(model.predict(batch.images) as tf.Tensor, 1));
    const [guess, truth] = [predicted.dataSync(), batch.labels.dataSync()];
    for (let i = 0; i < guess.length; i++) if (guess[i] === truth[i]) correct++;
    tf.dispose([predicted, batch.images, batch.labels]);
  }
  return correct / test.count;
}

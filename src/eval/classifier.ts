import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { batchesPerEpoch, epochOrder, makeBatch } from '../data/batches.js';
import type { ImageSet } from '../data/image-set.js';
import { loadLayersModel, saveLayersModel } from '../models/model-files.js';
import type { Features } from '../registry/metrics/moments.js';

/** Bump when the network or its training changes: cached classifiers of other versions are retrained. */
const VERSION = 2;
/** Adam's learning rate per epoch: halved over the last two, which takes the test accuracy past 99%. */
const LEARNING_RATES = [1e-3, 1e-3, 5e-4, 2.5e-4];
const BATCH = 128;

export interface Classifier {
  /** Accuracy on the dataset's test split. */
  readonly accuracy: number;
  /** The penultimate layer's activations (for FID, KID, precision/recall) and the class probabilities. */
  describe(images: tf.Tensor4D): { features: Features; probabilities: Features };
  dispose(): void;
}

/**
 * gx's own judge of generated images: a LeNet-style CNN (two 5x5 conv (16, 32 filters) + max-pool stages, a 128-unit layer whose
 * activations are the features, softmax), trained on the dataset's train split with images in [-1, 1] as the GAN
 * sees them. Trained once per dataset and seed, then loaded from gx's cache.
 */
export async function loadClassifier(
  dataset: string,
  seed: number,
  cacheDir: string,
  data: { train: ImageSet; test: ImageSet },
  log: (line: string) => void = () => {},
): Promise<Classifier> {
  const folder = join(cacheDir, 'classifiers', `${dataset}-lenet-v${VERSION}-seed${seed}`);
  const meta = await readFile(join(folder, 'meta.json'), 'utf8').then(JSON.parse, () => undefined);
  if (meta) return wrap(await loadLayersModel(join(folder, 'model')), meta.accuracy);

  const { train, test } = data;
  const model = lenet([train.height, train.width, train.channels], train.numClasses, seed);
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const epochs = LEARNING_RATES.length;
  for (let epoch = 0; epoch < epochs; epoch++) {
    // tfjs's Adam reads its learning rate at every step, so it can be lowered in place (its moments are kept).
    (model.optimizer as unknown as { learningRate: number }).learningRate = LEARNING_RATES[epoch];
    const order = epochOrder(train.count, seed, epoch);
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
  await saveLayersModel(model, join(folder, 'model'));
  await writeFile(join(folder, 'meta.json'), JSON.stringify({ dataset, seed, version: VERSION, epochs, accuracy }));
  return wrap(model, accuracy);
}

function lenet(shape: number[], classes: number, seed: number): tfl.LayersModel {
  const init = (n: number) => tfl.initializers.glorotUniform({ seed: seed * 7 + n });
  const input = tfl.input({ shape });
  let x = tfl.layers
    .conv2d({ filters: 16, kernelSize: 5, padding: 'same', activation: 'relu', kernelInitializer: init(1) })
    .apply(input);
  x = tfl.layers.maxPooling2d({ poolSize: 2 }).apply(x);
  x = tfl.layers
    .conv2d({ filters: 32, kernelSize: 5, padding: 'same', activation: 'relu', kernelInitializer: init(2) })
    .apply(x);
  x = tfl.layers.maxPooling2d({ poolSize: 2 }).apply(x);
  x = tfl.layers.flatten().apply(x);
  x = tfl.layers.dense({ units: 128, activation: 'relu', kernelInitializer: init(3), name: 'features' }).apply(x);
  const output = tfl.layers.dense({ units: classes, activation: 'softmax', kernelInitializer: init(4) }).apply(x);
  return tfl.model({ inputs: input, outputs: output as tfl.SymbolicTensor });
}

function wrap(model: tfl.LayersModel, accuracy: number): Classifier {
  const both = tfl.model({
    inputs: model.inputs,
    outputs: [model.getLayer('features').output as tfl.SymbolicTensor, model.outputs[0]],
  });
  return {
    accuracy,
    describe(images) {
      const [features, probabilities] = both.predict(images, { batchSize: 500 }) as tf.Tensor2D[];
      const asFeatures = (t: tf.Tensor2D): Features => ({
        count: t.shape[0],
        dim: t.shape[1],
        values: Float64Array.from(t.dataSync()),
      });
      const described = { features: asFeatures(features), probabilities: asFeatures(probabilities) };
      tf.dispose([features, probabilities]);
      return described;
    },
    dispose: () => model.dispose(),
  };
}

function testAccuracy(model: tfl.LayersModel, test: ImageSet): number {
  let correct = 0;
  const order = Uint32Array.from({ length: test.count }, (_, i) => i);
  for (let index = 0; index < Math.ceil(test.count / 500); index++) {
    const batch = makeBatch(test, order, index, 500);
    const predicted = tf.tidy(() => tf.argMax(model.predict(batch.images) as tf.Tensor, 1));
    const [guess, truth] = [predicted.dataSync(), batch.labels.dataSync()];
    for (let i = 0; i < guess.length; i++) if (guess[i] === truth[i]) correct++;
    tf.dispose([predicted, batch.images, batch.labels]);
  }
  return correct / test.count;
}

import { resolve } from 'node:path';
import { Flags } from '@oclif/core';
import * as tf from '@tensorflow/tfjs-core';
import { backendNames } from '../../backend/backend-names.js';
import { selectBackend } from '../../backend/select.js';
import { GxCommand } from '../../cli/gx-command.js';
import { cacheDir } from '../../data/cache-dir.js';
import type { ImageSet } from '../../data/image-set.js';
import { loadClassifier, readJudgeManifest, saveJudge, shippedJudge, trainClassifier } from '../../eval/classifier.js';
import { describeImages } from '../../eval/describe.js';
import { reference } from '../../eval/reference.js';
import { datasets } from '../../registry/datasets.js';
import { frechetDistance } from '../../registry/metrics/formulas.js';
import { moments } from '../../registry/metrics/moments.js';

export default class EvalTrainClassifier extends GxCommand {
  static override summary = 'Show, or train again, the classifier that evaluation measures images with';
  static override description =
    "A LeNet-style CNN trained on the train split with gx's fixed recipe. gx ships MNIST's (checked by SHA-256 on every load); for another dataset it is trained on first use and cached. Prints its test accuracy and two FIDs that bracket what a generator can score: real training images against the test split (the floor) and uniform noise against it. With --retrain, trains one anew into --out and says whether it is the shipped one, bit for bit.";
  static override examples = [
    '<%= config.bin %> eval train-classifier',
    '<%= config.bin %> eval train-classifier --retrain --out mnist-judge --backend tensorflow',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    dataset: Flags.string({ description: 'mnist or fashion-mnist', default: 'mnist' }),
    retrain: Flags.boolean({ description: "Train anew with gx's recipe and compare with the shipped classifier" }),
    out: Flags.string({
      description: 'Where --retrain writes the classifier',
      default: 'classifier',
      dependsOn: ['retrain'],
    }),
    backend: Flags.option({
      description: 'tfjs backend',
      options: backendNames,
      default: 'auto',
    })(),
  };

  async run() {
    const { flags } = await this.parse(EvalTrainClassifier);
    await selectBackend(flags.backend);
    const dataset = datasets.get(flags.dataset);
    const load = (split: 'train' | 'test') =>
      dataset.load({ type: dataset.name }, split, { cacheDir: cacheDir(), download: true });
    const [train, test] = [await load('train'), await load('test')];
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const retrained = flags.retrain ? await retrain(dataset.name, { train, test }, resolve(flags.out), log) : undefined;
    const classifier = await loadClassifier(dataset.name, cacheDir(), { train, test }, log);
    const against = reference(classifier, test);
    const realFid = frechetDistance(moments(describeImages(classifier, train, 10000, false).features), against.moments);
    const noise = tf.randomUniform([2000, test.height, test.width, test.channels], -1, 1, 'float32', 0) as tf.Tensor4D;
    const noiseFid = frechetDistance(moments(classifier.features(noise)), against.moments);
    noise.dispose();
    classifier.dispose();
    const result = {
      dataset: dataset.name,
      test_accuracy: classifier.accuracy,
      real_fid: realFid,
      noise_fid: noiseFid,
      ...(retrained && { retrained }),
    };
    this.log(`${dataset.name} classifier: test accuracy ${(100 * classifier.accuracy).toFixed(2)}%`);
    this.log(`  FID of 10,000 training images against the test split: ${realFid.toFixed(3)}`);
    this.log(`  FID of 2,000 uniform-noise images against the test split: ${noiseFid.toFixed(1)}`);
    if (retrained) {
      this.log(
        retrained.sameAsShipped
          ? `  retrained into ${retrained.folder}: bit for bit the classifier gx ships`
          : `  retrained into ${retrained.folder} (test accuracy ${(100 * retrained.accuracy).toFixed(2)}%): differs from the classifier gx ships${retrained.shipped ? '' : ' (none shipped for this dataset)'}`,
      );
    }
    return result;
  }
}

/** Trains a classifier with gx's recipe into `folder`, and compares its checksums with the shipped one's. */
async function retrain(
  dataset: string,
  data: { train: ImageSet; test: ImageSet },
  folder: string,
  log: (line: string) => void,
) {
  const trained = await trainClassifier(dataset, data, log);
  const manifest = await saveJudge(trained, folder);
  trained.dispose();
  const shipped = await readJudgeManifest(shippedJudge(dataset)).catch(() => undefined);
  const sameAsShipped =
    !!shipped && Object.entries(manifest.sha256).every(([file, sum]) => shipped.sha256[file] === sum);
  return { folder, accuracy: manifest.accuracy, sha256: manifest.sha256, shipped: !!shipped, sameAsShipped };
}

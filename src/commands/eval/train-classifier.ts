import { Flags } from '@oclif/core';
import * as tf from '@tensorflow/tfjs-core';
import { backendNames } from '../../backend/backend-names.js';
import { selectBackend } from '../../backend/select.js';
import { GxCommand } from '../../cli/gx-command.js';
import { cacheDir } from '../../data/cache-dir.js';
import { loadClassifier } from '../../eval/classifier.js';
import { describeImages, reference } from '../../eval/evaluate.js';
import { datasets } from '../../registry/datasets.js';
import { frechetDistance } from '../../registry/metrics/formulas.js';
import { moments } from '../../registry/metrics/moments.js';

export default class EvalTrainClassifier extends GxCommand {
  static override summary = "Train (or load from gx's cache) the classifier that evaluation measures images with";
  static override description =
    'A LeNet-style CNN trained on the train split, once per dataset (a few minutes on a CPU), then cached. Prints its test accuracy and two FIDs that bracket what a generator can score: real training images against the test split (the floor) and uniform noise against it.';
  static override examples = [
    '<%= config.bin %> eval train-classifier',
    '<%= config.bin %> eval train-classifier --dataset fashion-mnist',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    dataset: Flags.string({ description: 'mnist or fashion-mnist', default: 'mnist' }),
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
    const classifier = await loadClassifier(dataset.name, 0, cacheDir(), { train, test }, log);
    const against = reference(classifier, test);
    const realFid = frechetDistance(moments(describeImages(classifier, train, 10000).features), against.moments);
    const noise = tf.randomUniform([2000, test.height, test.width, test.channels], -1, 1, 'float32', 0) as tf.Tensor4D;
    const noiseFid = frechetDistance(moments(classifier.describe(noise).features), against.moments);
    noise.dispose();
    classifier.dispose();
    const result = {
      dataset: dataset.name,
      test_accuracy: classifier.accuracy,
      real_fid: realFid,
      noise_fid: noiseFid,
    };
    this.log(`${dataset.name} classifier: test accuracy ${(100 * classifier.accuracy).toFixed(2)}%`);
    this.log(`  FID of 10,000 training images against the test split: ${realFid.toFixed(3)}`);
    this.log(`  FID of 2,000 uniform-noise images against the test split: ${noiseFid.toFixed(1)}`);
    return result;
  }
}

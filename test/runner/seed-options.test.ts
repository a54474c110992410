import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { epochOrder } from '../../src/data/batches.js';
import { buildGan } from '../../src/models/build-gan.js';
import { disposeLatent, sampleLatent } from '../../src/models/latent.js';
import { fixedLatent, gridColumns } from '../../src/models/sample-grid.js';
import { createRandom } from '../../src/random.js';
import { discriminatorStep } from '../../src/runner/loop/steps.js';
import { testLosses } from '../../src/runner/loop/test-losses.js';
import { epochTable } from '../../src/runner/progress/progress-output.js';
import { describeOnEachBackend } from '../helpers/backends.js';
import { tinyExperiment } from '../helpers/experiments.js';
import { patternedTestSet } from '../helpers/images.js';
import { references } from '../helpers/references.js';

const softplus = (x: number) => Math.log1p(Math.exp(x));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describeOnEachBackend("the seed's options (Keras mnist_acgan.py)", () => {
  it("the epoch table has the seed's rows and cells, its columns aligned", () => {
    const { rows, table } = references.seed_table;
    const metrics = (name: string, side: 'g' | 'd') => {
      const [loss, adv, cls] = rows[name];
      return { [`${side}_loss`]: loss, [`${side}_loss_adv`]: adv, [`${side}_loss_class`]: cls };
    };
    const train = { ...metrics('generator (train)', 'g'), ...metrics('discriminator (train)', 'd') };
    const test = { ...metrics('generator (test)', 'g'), ...metrics('discriminator (test)', 'd') };
    // The seed's cells, row by row; its separators in line, where the seed's own strings push a loss of 10.50 out.
    const cells = (text: string) =>
      text
        .trimEnd()
        .split('\n')
        .filter((line) => !/^-+$/.test(line))
        .map((line) => line.split('|').map((cell) => cell.trim()));
    const printed = epochTable(train, test);
    assert.deepEqual(cells(printed), cells(table));
    const bars = (line: string) => [...line.matchAll(/\|/g)].map((match) => match.index);
    const lines = printed.trimEnd().split('\n');
    for (const line of lines.slice(2)) assert.deepEqual(bars(line), bars(lines[0]), printed);
    assert.equal(lines[1].length, lines[0].length);
    // Without test rows, the train rows alone; a missing term is '-'.
    const trainOnly = epochTable({ g_loss: 1, g_loss_adv: 1, d_loss: 2, d_loss_adv: 2 }).split('\n');
    assert.equal(trainOnly.length, 5);
    assert.equal(trainOnly[2], 'generator (train)     | 1.00 | 1.00            | -');
  });

  it("d_average concatenated: D's adversarial and class terms are one mean over the stacked batch, half the sum", () => {
    const measure = (average: string) => {
      const experiment = tinyExperiment([`loss.d_average=${average}`]);
      const gan = buildGan(experiment, [28, 28, 1], { dropoutCalls: 0 });
      const random = createRandom(3);
      const real = {
        images: tf.randomUniform([8, 28, 28, 1], -1, 1, 'float32', 5) as tf.Tensor4D,
        labels: tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32'),
      };
      const latent = sampleLatent(experiment.model, 8, random);
      const metrics = discriminatorStep(gan, real, latent, random);
      disposeLatent(latent);
      tf.dispose([real.images, real.labels]);
      gan.generator.dispose();
      gan.discriminator.dispose();
      return metrics;
    };
    const sum = measure('sum-of-means');
    const concatenated = measure('concatenated');
    assert.ok(Math.abs(concatenated.d_loss_adv - sum.d_loss_adv / 2) < 1e-6, `${concatenated.d_loss_adv}`);
    assert.ok(Math.abs(concatenated.d_loss_class - sum.d_loss_class / 2) < 1e-6, `${concatenated.d_loss_class}`);
    assert.ok(Math.abs(concatenated.d_loss - (concatenated.d_loss_adv + concatenated.d_loss_class)) < 1e-5);
  });

  it('data.shuffle false walks the stored order every epoch; true, a new order each', () => {
    assert.deepEqual([...epochOrder(6, 1, 0, false)], [0, 1, 2, 3, 4, 5]);
    assert.deepEqual([...epochOrder(6, 1, 7, false)], [0, 1, 2, 3, 4, 5]);
    assert.notDeepEqual([...epochOrder(60, 1, 0)], [...epochOrder(60, 1, 1)]);
    assert.equal(tinyExperiment(['data.shuffle=false']).data.shuffle, false);
    assert.equal(tinyExperiment().data.shuffle, true);
  });

  it("sample grids: a column per class with fresh noise (the seed), or a row per class with fixed noise (gx's)", () => {
    const { model } = tinyExperiment();
    const labelsOf = (latent: ReturnType<typeof fixedLatent>) => [...(latent.labels?.dataSync() ?? [])];
    const columns = fixedLatent(model, 0, 'columns', 5);
    assert.deepEqual(labelsOf(columns).slice(0, 12), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    assert.equal(gridColumns(model, 'columns'), 10);
    const rows = fixedLatent(model, 0, 'rows');
    assert.deepEqual(labelsOf(rows).slice(0, 12), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
    // Fresh noise differs draw to draw; fixed noise is the same every time.
    const z = (latent: ReturnType<typeof fixedLatent>) => [...latent.z.dataSync()];
    assert.notDeepEqual(z(columns), z(fixedLatent(model, 0, 'columns', 6)));
    assert.deepEqual(z(rows), z(fixedLatent(model, 0, 'rows')));
  });

  it('test losses: D on the test images and as many fakes, G on g_batch_multiplier times as many, without dropout', () => {
    const experiment = tinyExperiment(['loss.d_average=concatenated']);
    const gan = buildGan(experiment, [28, 28, 1], { dropoutCalls: 0 });
    const count = 6;
    const test = patternedTestSet(count, [3, 1, 4, 1, 5, 9]);
    const losses = testLosses(gan, test, experiment.model, 2, createRandom(11));
    // By hand from D's inference scores on the same images and the same draws.
    const random = createRandom(11);
    const dLatent = sampleLatent(experiment.model, count, random);
    const gLatent = sampleLatent(experiment.model, 2 * count, random);
    const [real, fake, gFake] = tf.tidy(() => {
      const images = tf.tensor4d(
        Float32Array.from(test.pixels as Uint8Array, (p) => (p - 127.5) / 127.5),
        [count, 28, 28, 1],
      );
      const g = (latent: typeof dLatent) =>
        gan.generator.apply([latent.z, latent.labels as tf.Tensor], { training: false }) as tf.Tensor;
      return [images, g(dLatent), g(gLatent)].map((x) => [...gan.critic(x, { training: false }).score.dataSync()]);
    });
    const dAdv = mean([...real.map((v) => softplus(-v)), ...fake.map(softplus)]);
    assert.ok(Math.abs(losses.d_loss_adv - dAdv) < 1e-5, `${losses.d_loss_adv} != ${dAdv}`);
    assert.ok(Math.abs(losses.g_loss_adv - mean(gFake.map((v) => softplus(-v)))) < 1e-5);
    assert.ok(Math.abs(losses.d_loss - losses.d_loss_adv - losses.d_loss_class) < 1e-5);
    assert.ok(Math.abs(losses.g_loss - losses.g_loss_adv - losses.g_loss_class) < 1e-5);
    // Inference mode: measured again with the same draws, the same numbers (no dropout masks).
    assert.deepEqual(testLosses(gan, test, experiment.model, 2, createRandom(11)), losses);
    disposeLatent(dLatent);
    disposeLatent(gLatent);
    gan.generator.dispose();
    gan.discriminator.dispose();
  });
});

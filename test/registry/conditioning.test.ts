import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend } from '../../src/backend/select.js';
import { resolveExperiment } from '../../src/config/load.js';
import { buildGan } from '../../src/models/build-gan.js';
import { createCritic } from '../../src/models/critic.js';
import { sampleLatent } from '../../src/models/latent.js';
import { createRandom } from '../../src/random.js';
import type { ModelConfig } from '../../src/registry/architectures/architecture.js';
import { discriminatorHeads } from '../../src/registry/architectures/building-blocks.js';
import { discriminatorStep, generatorStep } from '../../src/runner/loop/steps.js';
import { configProblems, onMnist, tinyExperiment, tinyYaml } from '../helpers/experiments.js';

await selectBackend('cpu');

describe("D's conditioning", () => {
  it('a projection head scores psi(phi) + embed(y) . phi (Miyato and Koyama 2018), by hand on a tiny D', () => {
    const model = { num_classes: 2, d_conditioning: 'projection' } as ModelConfig;
    const x = tfl.input({ shape: [3], name: 'features' });
    const heads = discriminatorHeads(x, model, false, () => tfl.initializers.zeros());
    const d = tfl.model({ inputs: [x, ...heads.inputs], outputs: heads.outputs });
    // psi: w = (1, -2, 0.5), b = 0.25; embeddings: class 0 (1, 1, 1), class 1 (0, 3, -1).
    d.getLayer('score').setWeights([tf.tensor2d([[1], [-2], [0.5]]), tf.tensor1d([0.25])]);
    d.getLayer('class_embedding').setWeights([tf.tensor2d([1, 1, 1, 0, 3, -1], [2, 3])]);
    const critic = createCritic(d, () => {});
    const phi = tf.tensor2d([
      [2, 1, 4],
      [2, 1, 4],
      [-1, 0.5, 2],
    ]);
    const { score, logits } = critic(phi, { labels: tf.tensor1d([0, 1, 1], 'int32') });
    // psi: 2 - 2 + 2 + 0.25 = 2.25, twice; -1 - 1 + 1 + 0.25 = -0.75.
    // embed . phi: 2 + 1 + 4 = 7; 0 + 3 - 4 = -1; 0 + 1.5 - 2 = -0.5.
    assert.deepEqual([...score.dataSync()], [9.25, 1.25, -1.25]);
    assert.equal(logits, undefined);
    assert.throws(() => critic(phi), /needs the images' labels/);
  });

  it('a dcgan D with projection takes [image, label] and trains a step with any loss and no class term', () => {
    const yaml = tinyYaml
      .replace('loss: { type: standard, auxiliary: { weight: 1 } }', 'loss: { type: hinge }')
      .replace('width: 2,', 'width: 2, d_conditioning: projection,');
    const experiment = onMnist(resolveExperiment('x.yaml', yaml));
    const gan = buildGan(experiment, [28, 28, 1], { dropoutCalls: 0 });
    assert.deepEqual(
      gan.discriminator.inputs.map((input) => input.shape),
      [
        [null, 28, 28, 1],
        [null, 1],
      ],
    );
    const random = createRandom(0);
    const real = {
      images: tf.randomUniform([4, 28, 28, 1], -1, 1) as tf.Tensor4D,
      labels: tf.tensor1d([1, 2, 3, 4], 'int32'),
    };
    const latent = sampleLatent(experiment.model, 4, random);
    const metrics = { ...discriminatorStep(gan, real, latent, random), ...generatorStep(gan, latent, real, random) };
    assert.ok(Number.isFinite(metrics.d_loss) && Number.isFinite(metrics.g_loss), JSON.stringify(metrics));
    assert.equal(metrics.d_loss_class, undefined);
  });

  it('d_conditioning settles from loss.auxiliary; the class term without the head is refused at its line', () => {
    assert.equal(tinyExperiment().model.d_conditioning, 'auxiliary');
    const found = configProblems(tinyYaml, ['model.d_conditioning=projection']);
    assert.equal(found.length, 1);
    const line = tinyYaml.split('\n').findIndex((text) => text.startsWith('loss:')) + 1;
    assert.match(found[0], new RegExp(`^x.yaml:${line}:\\d+: loss.auxiliary .* needs D's class head`));
  });

  it('model.conditioning is read as g_conditioning with a notice; both at once is an error', () => {
    const yaml = tinyYaml.replace('width: 2,', 'width: 2, conditioning: concatenate,');
    assert.equal(resolveExperiment('x.yaml', yaml).model.g_conditioning, 'concatenate');
    const found = configProblems(yaml, ['model.g_conditioning=multiply']);
    assert.match(found[0], /model.conditioning is the old name of model.g_conditioning/);
  });
});

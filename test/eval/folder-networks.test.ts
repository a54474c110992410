import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, it, describe as suite } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend } from '../../src/backend/select.js';
import { resolveExperiment } from '../../src/config/load.js';
import type { ImageSet } from '../../src/data/image-set.js';
import { chooseNetwork } from '../../src/eval/choose-network.js';
import { describeImages } from '../../src/eval/describe.js';
import { loadFileNetwork } from '../../src/eval/file-network.js';
import { saveLayersModel } from '../../src/models/model-files.js';
import { repoRoot, tempDir } from '../helpers/cli.js';

/**
 * Colour images as a folder dataset gives them: class 0 a red square, class 1 a blue one, at a place and size that
 * vary, on a grey background with noise. `seed` varies the draw (another folder).
 */
function colourSquares(count: number, size: number, seed: number, classes = 2): ImageSet {
  const pixels = new Uint8Array(count * size * size * 3);
  const labels = new Uint8Array(count);
  let x = seed;
  const next = () => {
    x = (x * 48271) % 2147483647;
    return x / 2147483647;
  };
  for (let n = 0; n < count; n++) {
    labels[n] = n % classes;
    const side = 4 + Math.floor(next() * (size / 2));
    const [top, left] = [Math.floor(next() * (size - side)), Math.floor(next() * (size - side))];
    for (let r = 0; r < size; r++)
      for (let c = 0; c < size; c++) {
        const inside = r >= top && r < top + side && c >= left && c < left + side;
        const colour = inside ? (labels[n] === 0 ? [220, 30, 30] : [30, 30, 220]) : [128, 128, 128];
        for (let k = 0; k < 3; k++) pixels[((n * size + r) * size + c) * 3 + k] = colour[k] + Math.floor(next() * 30);
      }
  }
  return {
    dataset: 'image-folder',
    split: 'train',
    count,
    height: size,
    width: size,
    channels: 3,
    numClasses: classes,
    pixels,
    labels,
    files: [],
  };
}

suite('feature networks for a folder of colour images', () => {
  before(() => selectBackend('tensorflow'));

  it("trains a judge on the folder's labels (HxWxC from the data), caches it by the data's digest", async () => {
    const cache = tempDir('gx-cache-');
    const data = {
      dataset: 'image-folder',
      catalogued: false,
      train: colourSquares(256, 16, 1),
      test: colourSquares(64, 16, 2),
    };
    const lines: string[] = [];
    const judge = await chooseNetwork(undefined, data, cache, (line) => lines.push(line));
    assert.deepEqual(judge.input, { height: 16, width: 16, channels: 3, range: [-1, 1] });
    assert.match(judge.id, /^image-folder-[0-9a-f]{16}-lenet-v2-seed0-[0-9a-f]{12}$/);
    assert.ok(judge.facts.classifier_test_accuracy >= 0.9, `test accuracy ${judge.facts.classifier_test_accuracy}`);
    assert.ok(lines.some((line) => line.includes('training one')));
    const features = describeImages(judge, data.test, 64, true);
    assert.equal(features.features.count, 64);
    assert.equal(features.probabilities?.dim, 2);
    judge.dispose();

    lines.length = 0;
    const again = await chooseNetwork(undefined, data, cache, (line) => lines.push(line));
    assert.equal(again.id, judge.id, 'the cached judge');
    assert.deepEqual(lines, [], 'nothing trained the second time');
    again.dispose();
    const other = { ...data, train: colourSquares(256, 16, 3) };
    const otherJudge = await chooseNetwork(undefined, other, cache, () => {});
    assert.notEqual(otherJudge.id.slice(0, 29), judge.id.slice(0, 29), 'other data, another judge');
    otherJudge.dispose();
  });

  it('refuses to train a judge on data without classes, and names the way out', async () => {
    const data = {
      dataset: 'image-folder',
      catalogued: false,
      train: colourSquares(8, 8, 1, 1),
      test: colourSquares(8, 8, 2, 1),
    };
    await assert.rejects(
      chooseNetwork(undefined, data, tempDir('gx-cache-'), () => {}),
      (error: Error & { code?: string; hint?: string }) => {
        assert.equal(error.code, 'EVAL_NO_LABELS');
        assert.match(String(error.hint), /eval\.network: \{type: file/);
        return true;
      },
    );
  });

  it("measures with a user's layers model: a named layer's map averaged over space, images resized and made colour", async () => {
    const folder = tempDir('gx-network-');
    const input = tfl.input({ shape: [8, 8, 3], name: 'image' });
    const conv = tfl.layers
      .conv2d({
        filters: 5,
        kernelSize: 3,
        name: 'conv',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
      })
      .apply(input);
    const flat = tfl.layers.flatten().apply(conv);
    const out = tfl.layers.dense({ units: 3, name: 'logits' }).apply(flat) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    await saveLayersModel(model, folder);
    const grey = { height: 12, width: 12, channels: 1 };
    const network = await loadFileNetwork({ type: 'file', path: folder, layer: 'conv', range: [0, 1] }, grey);
    assert.deepEqual(network.input, { ...grey, range: [0, 1] });
    assert.match(network.id, /^file-gx-network-\w+-conv-[0-9a-f]{12}$/);
    const images = tf.fill([4, 12, 12, 1], 0.5) as tf.Tensor4D;
    const features = network.features(images);
    assert.equal(features.count, 4);
    assert.equal(features.dim, 5, 'the conv layer has 5 filters: averaged over space, 5 numbers per image');
    // By hand: the same image resized (a constant stays constant) and repeated to 3 channels, through the conv layer.
    const expected = tf.tidy(() =>
      tf.mean(
        tfl
          .model({ inputs: input, outputs: conv as tfl.SymbolicTensor })
          .predict(tf.fill([1, 8, 8, 3], 0.5)) as tf.Tensor,
        [1, 2],
      ),
    );
    const byHand = expected.dataSync();
    for (let i = 0; i < 5; i++) assert.ok(Math.abs(features.values[i] - byHand[i]) < 1e-5);
    const output = await loadFileNetwork({ type: 'file', path: join(folder, 'model.json') }, grey);
    assert.equal(output.features(images).dim, 3, "without a layer: the model's output");
    assert.notEqual(output.id, network.id);
    tf.dispose([images, expected]);
    model.dispose();
    network.dispose();
    output.dispose();

    await assert.rejects(loadFileNetwork({ type: 'file', path: folder, layer: 'pool5' }, grey), /no layer named pool5/);
    writeFileSync(
      join(folder, 'model.json'),
      JSON.stringify({ format: 'graph-model', modelTopology: {}, weightsManifest: [] }),
    );
    await assert.rejects(
      loadFileNetwork({ type: 'file', path: folder }, grey),
      /not a TensorFlow.js layers model \(its format is graph-model\)/,
    );
    await assert.rejects(
      loadFileNetwork({ type: 'file', path: join(folder, 'missing') }, grey),
      (error: Error & { code?: string }) => error.code === 'EVAL_NETWORK_UNREADABLE',
    );
  });

  it('eval.network in an experiment: file needs a path, and an unknown type names the kinds there are', () => {
    const quickstart = readFileSync(join(repoRoot, 'experiments/quickstart.yaml'), 'utf8');
    const resolve = (overrides: string[]) => resolveExperiment('x.yaml', quickstart, { overrides });
    const file = resolve(['eval.network.type=file', 'eval.network.path=nets/inception']);
    assert.deepEqual(file.eval?.network, { type: 'file', path: 'nets/inception', range: [-1, 1] });
    assert.throws(() => resolve(['eval.network.type=file']), /path/);
    assert.throws(() => resolve(['eval.network.type=inception']), /judge|file/);
  });
});

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { resolveExperiment } from '../../src/config/load.js';
import { gx, tempDir } from '../helpers/cli.js';
import { tinyExperiment, tinyYaml } from '../helpers/experiments.js';
import { tinyDataset } from '../helpers/idx.js';

/** A 16x16 IDX dataset of 3 classes and an experiment on it, whose model section is `model` (YAML flow text). */
function experimentOn3Classes(model: string): string {
  const dir = tempDir();
  const data = tinyDataset(32, 16, 16, 3);
  writeFileSync(join(dir, 'images.idx'), data.images());
  writeFileSync(join(dir, 'labels.idx'), data.labels());
  writeFileSync(
    join(dir, 'three.yaml'),
    `name: three
data: { type: idx, images: images.idx, labels: labels.idx }
model: ${model}
loss: { type: standard }
train:
  batch_size: 8
  max_steps: 1
  optimizer: { g: { type: adam, lr: 0.001 }, d: { type: adam, lr: 0.001 } }
tracking: { enabled: false }
runtime: { backend: cpu }
`,
  );
  return dir;
}

/** The model section of the experiment.yaml the run recorded. */
function recordedModel(dir: string): Record<string, unknown> {
  const [run] = readdirSync(join(dir, 'runs'));
  return parse(readFileSync(join(dir, 'runs', run, 'experiment.yaml'), 'utf8')).model;
}

describe('model.num_classes', () => {
  it('is a whole number or auto, said in one line either way', () => {
    for (const [value, shown] of [
      ['autox', '"autox"'],
      ['2.5', '2.5'],
    ]) {
      assert.throws(
        () => tinyExperiment([`model.num_classes=${value}`]),
        new RegExp(
          `model\\.num_classes must be a whole number from 0 to 1000, or auto, got ${shown.replace('.', '\\.')}`,
        ),
      );
    }
    assert.equal(
      resolveExperiment('x.yaml', tinyYaml, { overrides: ['model.num_classes=auto'] }).model.num_classes,
      'auto',
    );
    assert.equal(tinyExperiment(['model.num_classes=3']).model.num_classes, 3);
  });

  it('auto (the default) takes the classes of the training data; the run records the number', () => {
    const dir = experimentOn3Classes('{ type: dcgan, latent_size: 8, width: 2 }');
    const result = gx(['run', 'three.yaml'], { cwd: dir });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(recordedModel(dir).num_classes, 3);
  });

  it('a number given is kept: 0 trains an unconditional GAN on labelled data', () => {
    const dir = experimentOn3Classes('{ type: dcgan, latent_size: 8, width: 2, num_classes: 0 }');
    const result = gx(['run', 'three.yaml'], { cwd: dir });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(recordedModel(dir).num_classes, 0);
  });
});

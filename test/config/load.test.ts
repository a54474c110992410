import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { resolveExperiment } from '../../src/config/load.js';
import { losses } from '../../src/registry/losses/index.js';
import { repoRoot } from '../helpers/cli.js';
import { configProblems } from '../helpers/experiments.js';

/** The quickstart with its former loss (least squares with the AC-GAN class term), whose options these tests read. */
const quickstart = readFileSync(join(repoRoot, 'experiments/quickstart.yaml'), 'utf8')
  .replace(/ {2}d_conditioning: projection.*\n/, '')
  .replace('loss:\n  type: hinge\n', 'loss:\n  type: lsgan\n  auxiliary:\n    weight: 1\n');
assert.ok(quickstart.includes('type: lsgan') && !quickstart.includes('d_conditioning'), 'the quickstart changed');

/** 1-based line number of the first line of `text` that contains `needle`. */
function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((line) => line.includes(needle)) + 1;
}

describe('loading an experiment', () => {
  it('fills in defaults from the registry entry the type selects', () => {
    const experiment = resolveExperiment('x.yaml', quickstart);
    assert.equal(experiment.model.depth, 1);
    assert.deepEqual([experiment.loss.a, experiment.loss.b, experiment.loss.c], [0, 1, 1]);
    assert.equal(experiment.train.optimizer.g.beta2, 0.999);
    assert.equal(experiment.train.n_critic, 1);
    assert.deepEqual(experiment.runtime, { backend: 'auto' });
    assert.ok(Object.isFrozen(experiment.train.optimizer.g));
  });

  it('reports a YAML syntax error at its line and column', () => {
    assert.deepEqual(configProblems('name: x\ndata: {type: mnist\nmodel: 1\n'), [
      'x.yaml:3:1: Flow map in block collection must be sufficiently indented and end with a }',
    ]);
  });

  it('names the closest loss when the loss type is unknown', () => {
    const text = quickstart.replace('type: lsgan', 'type: wgangp');
    const line = lineOf(text, 'wgangp');
    assert.deepEqual(configProblems(text), [
      `x.yaml:${line}:9: unknown loss "wgangp" at loss.type; did you mean "wgan-gp"? (known: ${losses.entries.map((loss) => loss.name).join(', ')})`,
    ]);
  });

  it('reports a string where a number belongs, and a negative learning rate, all at once', () => {
    const text = quickstart.replace('batch_size: 64', 'batch_size: sixty').replace('lr: 0.001', 'lr: -0.1');
    assert.deepEqual(configProblems(text), [
      `x.yaml:${lineOf(text, 'sixty')}:15: train.batch_size must be a whole number, got "sixty"`,
      `x.yaml:${lineOf(text, 'lr: -0.1')}:26: train.optimizer.g.lr must be > 0, got -0.1`,
    ]);
  });

  it('points at an unknown key and suggests the known one', () => {
    const text = quickstart.replace('width: 32', 'widht: 32');
    assert.deepEqual(configProblems(text), [
      `x.yaml:${lineOf(text, 'widht')}:3: model has no key "widht"; did you mean "width"?`,
    ]);
  });

  it('types --set values by the schema', () => {
    const experiment = resolveExperiment('x.yaml', quickstart, {
      overrides: [
        'train.optimizer.g.lr=1e-4',
        'model.g_batch_norm=false',
        'eval.metrics=fid,kid',
        'tracking.run_name=123',
        'sweep.parameters.train.optimizer.d.lr=1e-4,2e-4',
      ],
    });
    assert.equal(experiment.train.optimizer.g.lr, 1e-4);
    assert.equal(experiment.model.g_batch_norm, false);
    assert.deepEqual(experiment.eval?.metrics, ['fid', 'kid']);
    assert.equal(experiment.tracking.run_name, '123');
    assert.deepEqual(experiment.sweep?.parameters['train.optimizer.d.lr'], [1e-4, 2e-4]);
  });

  it('reports a --set on a path that does not exist at the deepest part that does', () => {
    const line = lineOf(quickstart, 'g: { type: adam');
    assert.deepEqual(configProblems(quickstart, ['train.optimizer.g.lrr=0.1']), [
      `x.yaml:${line}:8: --set train.optimizer.g.lrr: train.optimizer.g has no key "lrr"; did you mean "lr"?`,
    ]);
  });

  it('marks a schema problem that a --set caused', () => {
    const line = lineOf(quickstart, 'width: 32');
    assert.deepEqual(configProblems(quickstart, ['model.width=-3']), [
      `x.yaml:${line}:10: model.width must be >= 1, got -3 (from --set)`,
    ]);
  });

  it('switches a registry choice by --set and validates the new branch', () => {
    const experiment = resolveExperiment('x.yaml', quickstart, { overrides: ['loss.type=wgan-gp'] });
    assert.equal(experiment.loss.penalty_weight, 10);
    assert.equal(experiment.loss.auxiliary?.weight, 1);
  });

  it('rejects a file that is not a mapping', () => {
    assert.deepEqual(configProblems('- 1\n- 2\n'), [
      'x.yaml:1:1: an experiment must be a mapping with name, data, model, loss and train',
    ]);
  });
});

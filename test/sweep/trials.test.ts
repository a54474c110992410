import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { SweepConfig } from '../../src/config/experiment.js';
import type { ConfigError } from '../../src/errors.js';
import { sweepTrials } from '../../src/sweep/sweep.js';
import { expandTrials, paramAsOverride } from '../../src/sweep/trials.js';
import { tempDir } from '../helpers/cli.js';
import { tinyYaml } from '../helpers/experiments.js';

const sweep = (parameters: SweepConfig['parameters'], extra: Partial<SweepConfig> = {}): SweepConfig => ({
  method: 'grid',
  seed: 0,
  parameters,
  ...extra,
});

describe('sweep trials', () => {
  it('crosses every list in a grid, the first parameter varying slowest, with ties following', () => {
    const trials = expandTrials(
      sweep({
        'loss.type': ['standard', 'lsgan'],
        'train.optimizer.g.lr': [1e-4, 2e-4],
        'train.optimizer.d.lr': { tie: 'train.optimizer.g.lr' },
      }),
    );
    assert.deepEqual(
      trials.map((t) => [
        t.index,
        t.values['loss.type'],
        t.values['train.optimizer.g.lr'],
        t.values['train.optimizer.d.lr'],
      ]),
      [
        [1, 'standard', 1e-4, 1e-4],
        [2, 'standard', 2e-4, 2e-4],
        [3, 'lsgan', 1e-4, 1e-4],
        [4, 'lsgan', 2e-4, 2e-4],
      ],
    );
  });

  it('draws random trials log-uniformly within the range, the same for the same seed', () => {
    const spec = sweep(
      { lr: { min: 1e-5, max: 1e-3, scale: 'log' }, beta: [0.5, 0.9] },
      { method: 'random', count: 400 },
    );
    const trials = expandTrials(spec);
    const lrs = trials.map((t) => t.values.lr as number);
    assert.ok(lrs.every((lr) => lr >= 1e-5 && lr <= 1e-3));
    // Log-uniform: about half of the draws below the geometric middle, 1e-4 (a linear draw puts ~10% there).
    const below = lrs.filter((lr) => lr < 1e-4).length / lrs.length;
    assert.ok(below > 0.4 && below < 0.6, `${below}`);
    assert.deepEqual(new Set(trials.map((t) => t.values.beta)), new Set([0.5, 0.9]));
    assert.deepEqual(expandTrials(spec), trials);
    assert.notDeepEqual(expandTrials({ ...spec, seed: 1 }), trials);
  });

  it('runs every configuration on each seed, all on the first seed first; seeds are never drawn', () => {
    const values = (trials: ReturnType<typeof expandTrials>) => trials.map((t) => [t.index, t.values]);
    // seeds: N counts up from the experiment's seed; the seed comes last in a trial's values (and its name).
    assert.deepEqual(values(expandTrials(sweep({ 'loss.type': ['standard', 'lsgan'] }, { seeds: 2 }), 7)), [
      [1, { 'loss.type': 'standard', seed: 7 }],
      [2, { 'loss.type': 'lsgan', seed: 7 }],
      [3, { 'loss.type': 'standard', seed: 8 }],
      [4, { 'loss.type': 'lsgan', seed: 8 }],
    ]);
    assert.deepEqual(Object.keys(expandTrials(sweep({ seed: [0, 1], 'loss.type': ['standard'] }))[0].values), [
      'loss.type',
      'seed',
    ]);
    // A seed parameter names them; the random method draws the other values once per configuration.
    const random = expandTrials(
      sweep({ seed: [0, 1, 2], lr: { min: 1e-5, max: 1e-3 } }, { method: 'random', count: 2 }),
    );
    assert.deepEqual(
      random.map((t) => t.values.seed),
      [0, 0, 1, 1, 2, 2],
    );
    assert.deepEqual(
      random.slice(2, 4).map((t) => t.values.lr),
      random.slice(0, 2).map((t) => t.values.lr),
    );
    // The seeds alone sweep the experiment as it is; one seed is the experiment's, as without seeds.
    assert.deepEqual(
      expandTrials(sweep({}, { seeds: 3 })).map((t) => t.values),
      [{ seed: 0 }, { seed: 1 }, { seed: 2 }],
    );
    assert.deepEqual(expandTrials(sweep({ lr: [1] }, { seeds: 1 }), 5)[0].values, { lr: 1 });
  });

  it('refuses what cannot be swept, saying why', () => {
    assert.throws(() => expandTrials(sweep({ lr: { min: 0, max: 1 } })), /a range needs method: random/);
    assert.throws(() => expandTrials(sweep({ lr: [1] }, { method: 'random' })), /needs the number of trials/);
    assert.throws(
      () => expandTrials(sweep({ lr: { min: 0, max: 1, scale: 'log' } }, { method: 'random', count: 2 })),
      /needs min > 0/,
    );
    assert.throws(() => expandTrials(sweep({ a: [1], b: { tie: 'c' } })), /tie "c" is not a swept parameter/);
    assert.throws(() => expandTrials(sweep({ seed: [1, 2] }, { seeds: 2 })), /both name the seeds/);
    assert.throws(() => expandTrials(sweep({ seed: { min: 0, max: 9 } }, { method: 'random', count: 2 })), /a list/);
    assert.throws(() => expandTrials(sweep({})), /no parameters/);
  });

  it('reads --param as a list, a range, a log range or a tie', () => {
    assert.equal(
      paramAsOverride('train.optimizer.g.lr=1e-4,2e-4'),
      'sweep.parameters.train.optimizer.g.lr=[1e-4,2e-4]',
    );
    assert.equal(paramAsOverride('a.b=0.001..0.01'), 'sweep.parameters.a.b={min: 0.001, max: 0.01}');
    assert.equal(paramAsOverride('a.b=log:1e-5..1e-3'), 'sweep.parameters.a.b={min: 1e-5, max: 1e-3, scale: log}');
    assert.equal(paramAsOverride('a.d=@a.g'), 'sweep.parameters.a.d={tie: a.g}');
  });

  it('validates every trial by the schema before anything runs, naming the trials that fail', async () => {
    const file = join(tempDir(), 'tiny.yaml');
    writeFileSync(file, tinyYaml);
    const { trials } = await sweepTrials(file, [paramAsOverride('loss.type=standard,lsgan')]);
    assert.deepEqual(
      trials.map(({ experiment }) => experiment.loss.type),
      ['standard', 'lsgan'],
    );
    await assert.rejects(
      sweepTrials(file, [paramAsOverride('train.optimizer.g.lr=1e-3,-1,0')]),
      (error: ConfigError) => {
        assert.equal(error.problems.length, 2);
        assert.match(
          error.problems[0],
          /^trial 2 \(train\.optimizer\.g\.lr=-1\): .*tiny\.yaml:\d+:\d+: train\.optimizer\.g\.lr must be > 0, got -1/,
        );
        assert.match(error.problems[1], /^trial 3 /);
        return true;
      },
    );
  });
});

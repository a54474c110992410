import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { resolveExperiment } from '../../src/config/load.js';
import { gx, tempDir } from '../helpers/cli.js';
import { configProblems, tinyYaml } from '../helpers/experiments.js';

describe('limits in the schema', () => {
  it('takes seeds that are exact: whole numbers 0 .. 2^32-1, not 1e300 (which was seed 0)', () => {
    assert.deepEqual(configProblems(tinyYaml, ['seed=4294967295']), []);
    assert.match(configProblems(tinyYaml, ['seed=1e300']).join('\n'), /seed must be <= 4294967295/);
    assert.match(configProblems(tinyYaml, ['seed=4294967296']).join('\n'), /seed must be <= 4294967295/);
    assert.match(
      configProblems(`${tinyYaml}sweep: { seed: 1e20, parameters: { seed: [1, 2] } }\n`).join('\n'),
      /sweep\.seed must be <= 4294967295/,
    );
  });

  it('refuses names too long for a folder or for MLflow, and odd characters', () => {
    assert.deepEqual(configProblems(tinyYaml, [`name=${'n'.repeat(100)}`]), []);
    assert.match(
      configProblems(tinyYaml, [`name=${'n'.repeat(300)}`]).join('\n'),
      /name must have at most 100 characters/,
    );
    assert.match(
      configProblems(tinyYaml, [`tracking.run_name=${'r'.repeat(300)}`]).join('\n'),
      /tracking\.run_name must have at most 250 characters/,
    );
    assert.match(
      configProblems(tinyYaml, [`tracking.experiment=${'e'.repeat(600)}`]).join('\n'),
      /tracking\.experiment must have at most 500 characters/,
    );
    assert.match(configProblems(tinyYaml, ['tracking.run_name=a\nb']).join('\n'), /tracking\.run_name/);
  });

  it('bounds every value that sizes memory', () => {
    const found = configProblems(tinyYaml, [
      'model.latent_size=100000000',
      'model.num_classes=100000',
      'model.width=100000',
      'model.depth=1000',
      'train.batch_size=1000000',
      'train.g_batch_multiplier=1000',
      'train.n_critic=100000',
      'eval.samples=10000000',
    ]).join('\n');
    for (const path of [
      'model.latent_size',
      'model.num_classes',
      'model.width',
      'model.depth',
      'train.batch_size',
      'train.g_batch_multiplier',
      'train.n_critic',
      'eval.samples',
    ])
      assert.match(found, new RegExp(`${path.replace('.', '\\.')} must be <= \\d+`), path);
  });

  it('validates a 0.7 MB file of 40000 keys in linear time, and still finds a key given twice', () => {
    const dir = tempDir();
    const tags = Array.from({ length: 40_000 }, (_, i) => `    key${i}: v${i}`).join('\n');
    const big = `${tinyYaml}tracking:\n  tags:\n${tags}\n`;
    assert.ok(big.length > 700_000);
    writeFileSync(join(dir, 'big.yaml'), big);
    const result = gx(['validate', 'big.yaml'], { cwd: dir });
    assert.equal(result.status, 0, result.stderr);
    // CPU time, not wall time: a loaded machine slows the clock, not the work (quadratic work took minutes).
    const cpu = process.cpuUsage();
    resolveExperiment('big.yaml', big);
    const { user, system } = process.cpuUsage(cpu);
    assert.ok((user + system) / 1000 < 8000, `took ${(user + system) / 1000} ms of CPU`);

    writeFileSync(join(dir, 'twice.yaml'), `${big}    key7: again\n`);
    const twice = gx(['validate', 'twice.yaml'], { cwd: dir });
    assert.equal(twice.status, 1);
    const line = (text: string) => big.slice(0, big.indexOf(text)).split('\n').length;
    const again = big.split('\n').length;
    assert.ok(
      twice.stderr.includes(`twice.yaml:${again}:5: key "key7" is given twice (first at line ${line('    key7:')})`),
      twice.stderr,
    );
  });

  it('refuses a file larger than 1 MB before parsing it', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'huge.yaml'), `${tinyYaml}description: "${'x'.repeat(1_100_000)}"\n`);
    const result = gx(['validate', 'huge.yaml'], { cwd: dir });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^huge\.yaml: 1\.1 MB is too large for an experiment file \(at most 1 MB\)\n/);
  });

  it('reads at most 1 MB whatever the file is, and refuses a device, a FIFO or a folder in one line', () => {
    const dir = tempDir();
    execFileSync('mkfifo', [join(dir, 'fifo.yaml')]);
    mkdirSync(join(dir, 'folder.yaml'));
    for (const [file, kind] of [
      ['/dev/zero', 'a character device'],
      ['fifo.yaml', 'a FIFO \\(named pipe\\)'],
      ['folder.yaml', 'a folder'],
    ]) {
      for (const command of ['validate', 'run', 'sweep']) {
        const result = gx([command, file], { cwd: dir });
        assert.equal(result.status, 1, `${command} ${file}: ${result.stderr}`);
        assert.match(
          result.stderr,
          new RegExp(`^${file} is ${kind}, not a regular file: it cannot be an experiment file\\n`),
        );
        assert.ok(!/\n(?!hint: |$)/.test(result.stderr), result.stderr); // one line (and its hint)
      }
    }
  });

  it('reports the billion laughs (too many aliases) as a problem in the file', () => {
    const dir = tempDir();
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      lines.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(', ')}]`);
    }
    writeFileSync(join(dir, 'laughs.yaml'), `${lines.join('\n')}\n`);
    const result = gx(['validate', 'laughs.yaml'], { cwd: dir });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^laughs\.yaml:\d+:\d+: .*aliases/m);
    assert.doesNotMatch(result.stderr, /bug in gx/);
  });
});

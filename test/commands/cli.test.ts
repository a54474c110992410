import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gx, repoRoot, tempDir } from '../helpers/cli.js';

describe('the gx CLI', () => {
  it('lists its commands in --help', () => {
    const result = gx(['--help']);
    assert.equal(result.status, 0);
    for (const command of ['validate', 'schema']) assert.match(result.stdout, new RegExp(`^  ${command} `, 'm'));
  });

  it('validates every shipped experiment', () => {
    const files = readdirSync(join(repoRoot, 'experiments')).map((file) => `experiments/${file}`);
    const result = gx(['validate', ...files]);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(
      result.stdout.trim().split('\n'),
      files.map((file) => `${file}: OK`),
    );
  });

  it('prints every problem as file:line:col, exits 1 and writes nothing', () => {
    const dir = tempDir();
    const text = readFileSync(join(repoRoot, 'experiments/quickstart.yaml'), 'utf8').replace('lr: 0.001', 'lr: -1');
    writeFileSync(join(dir, 'bad.yaml'), text);
    const result = gx(['validate', 'bad.yaml', '--set', 'model.widht=3'], { cwd: dir });
    assert.equal(result.status, 1);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 2, result.stderr);
    for (const line of lines) assert.match(line, /^bad\.yaml:\d+:\d+: /);
    assert.doesNotMatch(result.stderr, /at .*\.js:\d+/, 'no stack trace');
    assert.deepEqual(readdirSync(dir), ['bad.yaml']);
  });

  it('says so in one line with a hint when the file does not exist', () => {
    const result = gx(['validate', 'nope.yaml']);
    assert.equal(result.status, 1);
    assert.equal(result.stderr, 'nope.yaml: no such file\n');
  });

  it('prints exactly schemas/experiment.schema.json', () => {
    const result = gx(['schema']);
    assert.equal(result.status, 0);
    assert.equal(result.stdout, readFileSync(join(repoRoot, 'schemas/experiment.schema.json'), 'utf8'));
  });
});

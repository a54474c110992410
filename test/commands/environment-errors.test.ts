import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gx, repoRoot, tempDir } from '../helpers/cli.js';
import { tinyIn, tinyYaml } from '../helpers/experiments.js';
import { tinyDataset } from '../helpers/idx.js';
import { localMlflowRun, MLFLOW_FAILED } from '../helpers/runs.js';

/** The last lines of stderr: one error line and a hint, no stack trace, not called a bug in gx. */
function assertOneLine(stderr: string, pattern: RegExp) {
  const lines = stderr.trim().split('\n');
  assert.match(lines.at(-2) ?? '', pattern, stderr);
  assert.match(lines.at(-1) ?? '', /^hint: /, stderr);
  assert.doesNotMatch(stderr, /bug in gx|unexpected error|\n\s+at /, stderr);
}

/** An IDX pair of 28x28 images whose labels are 0, 1, 2. */
function idxIn(dir: string) {
  const data = tinyDataset(32, 28, 28, 3);
  writeFileSync(join(dir, 'images.idx'), data.images());
  writeFileSync(join(dir, 'labels.idx'), data.labels());
  return tinyYaml.replace('{ type: mnist, limit: 64 }', '{ type: idx, images: images.idx, labels: labels.idx }');
}

describe('errors of the environment', () => {
  for (const [name, special] of [
    ['a FIFO', (dir: string) => execFileSync('mkfifo', [join(dir, 'special')])],
    ['/dev/zero', (dir: string) => symlinkSync('/dev/zero', join(dir, 'special'))],
  ] as const) {
    it(`refuses ${name} as data.images or data.labels at once, in one line, reading nothing`, () => {
      const dir = tempDir();
      special(dir);
      const yaml = idxIn(dir);
      for (const field of ['images', 'labels']) {
        writeFileSync(join(dir, `${field}.yaml`), yaml.replace(`${field}: ${field}.idx`, `${field}: special`));
        const result = spawnSync(process.execPath, [join(repoRoot, 'bin/run.js'), 'run', `${field}.yaml`], {
          cwd: dir,
          env: { ...process.env, MLFLOW_TRACKING_URI: '' },
          encoding: 'utf8',
          timeout: 60_000,
          killSignal: 'SIGKILL',
        });
        assert.equal(result.status, 1, `${field}: ${result.signal} ${result.stderr}`);
        assertOneLine(
          result.stderr,
          /^special is a (FIFO \(named pipe\)|character device), not a regular file: it cannot be an IDX file$/,
        );
      }
    });
  }

  it('an error after tracking started ends the MLflow run FAILED with gx.error', () => {
    const dir = tempDir();
    // The idx dataset has no test split to evaluate against: found only once the MLflow run exists.
    writeFileSync(join(dir, 'late.yaml'), `${idxIn(dir).replace('name: tiny', 'name: late')}eval: { samples: 10 }\n`);
    const result = gx(['run', 'late.yaml'], { cwd: dir });
    assert.equal(result.status, 1);
    assertOneLine(result.stderr, /no test split/);
    const run = localMlflowRun(join(dir, 'mlruns'));
    assert.equal(run.status, MLFLOW_FAILED);
    assert.match(run.tags['gx.error'], /no test split/);
  });

  it('refuses IDX labels outside 0 .. num_classes-1, naming the file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'labels.yaml'), idxIn(dir).replace('num_classes: 10', 'num_classes: 2'));
    const result = gx(['run', 'labels.yaml'], { cwd: dir });
    assert.equal(result.status, 1);
    assertOneLine(result.stderr, /labels\.idx: label 2 .* model\.num_classes is 2/);
    assert.deepEqual(readdirSync(dir).sort(), ['images.idx', 'labels.idx', 'labels.yaml']);
  });

  it('says what a read-only cache is, in one line naming the path', (t) => {
    const probe = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'true']);
    if (probe.status !== 0) return t.skip('cannot mount here (unshare --user --mount fails)');
    const cache = tempDir('gx-read-only-');
    const shell = spawnSync(
      'unshare',
      [
        '--user',
        '--map-root-user',
        '--mount',
        'sh',
        '-c',
        'mount -t tmpfs -o ro tmpfs "$GX_CACHE_DIR" && exec "$NODE" "$BIN" data fetch mnist',
      ],
      {
        env: { ...process.env, GX_CACHE_DIR: cache, NODE: process.execPath, BIN: join(repoRoot, 'bin/run.js') },
        encoding: 'utf8',
      },
    );
    assert.equal(shell.status, 1, shell.stderr);
    assertOneLine(shell.stderr, new RegExp(`^${cache}/datasets(/mnist)?: read-only file system`));
  });

  it('says which MLflow meta.yaml is broken, in one line', () => {
    const dir = tinyIn('broken');
    mkdirSync(join(dir, 'mlruns', '1'), { recursive: true });
    writeFileSync(join(dir, 'mlruns', '1', 'meta.yaml'), 'name: [unclosed\n');
    const result = gx(['run', 'broken.yaml', '--max-steps', '1'], { cwd: dir });
    assert.equal(result.status, 1);
    assertOneLine(result.stderr, /mlruns.*meta\.yaml.*not valid YAML/);
  });

  it('says when a run folder cannot be made, before any MLflow run is started', () => {
    const dir = tinyIn('nowhere');
    writeFileSync(join(dir, 'a-file'), '');
    const result = gx(['run', 'nowhere.yaml', '--runs-dir', 'a-file/runs'], { cwd: dir });
    assert.equal(result.status, 1);
    assertOneLine(result.stderr, /a-file\/runs.*: a part of the path is a file, not a folder/);
    assert.deepEqual(readdirSync(dir).sort(), ['a-file', 'nowhere.yaml']);
  });
});

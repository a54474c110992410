import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gx, tempDir } from '../helpers/cli.js';
import { makeShapesFolder } from '../helpers/shapes-folder.js';

describe('gx data', () => {
  it('reports MNIST as installed with gx: 60000 train and 10000 test images of 28x28, checksums verified', () => {
    const result = gx(['data', 'info', 'mnist', '--json'], { env: { GX_CACHE_DIR: tempDir() } });
    assert.equal(result.status, 0, result.stderr);
    const info = JSON.parse(result.stdout);
    assert.equal(info.verified, true);
    assert.deepEqual(
      [info.splits.train.count, info.splits.test.count, info.splits.train.height, info.splits.train.width],
      [60000, 10000, 28, 28],
    );
    assert.ok(info.splits.train.files.every((file: { origin: string }) => file.origin === 'package'));
  });

  it('says where it looked when a dataset is not available offline', () => {
    const result = gx(['data', 'info', 'fashion-mnist'], { env: { GX_CACHE_DIR: tempDir() } });
    assert.equal(result.status, 1);
    assert.match(
      result.stderr,
      /^fashion-mnist: train-images-idx3-ubyte not found; looked in .*\nhint: run `gx data fetch/,
    );
  });

  it('names the closest dataset for a typo', () => {
    const result = gx(['data', 'info', 'minst']);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /unknown dataset "minst"; did you mean "mnist"\?/);
  });

  it('describes the folder of images of an experiment: counts, classes, skipped files; the second time a cache hit', async () => {
    const dir = tempDir();
    await makeShapesFolder(join(dir, 'shapes'), { count: 12, size: 32, brokenFiles: true });
    const yaml = (path: string) =>
      `name: f\ndata: { type: image-folder, path: ${path}, size: 32, labels: subfolders, holdout: 2 }\nmodel: { type: dcgan }\nloss: { type: lsgan }\ntrain: { epochs: 1, optimizer: { g: { type: adam, lr: 0.001 }, d: { type: adam, lr: 0.001 } } }\n`;
    writeFileSync(join(dir, 'f.yaml'), yaml('shapes'));
    const env = { GX_CACHE_DIR: tempDir() };
    const first = gx(['data', 'info', 'f.yaml', '--json'], { cwd: dir, env });
    assert.equal(first.status, 0, first.stderr);
    const info = JSON.parse(first.stdout);
    assert.deepEqual([info.images, info.train, info.holdout, info.skipped.length, info.ignored], [12, 10, 2, 3, 1]);
    assert.deepEqual(info.classes, ['circle', 'cross', 'square', 'triangle']);
    assert.deepEqual([info.cache.state, info.cache.decoded], ['built', 15]);
    const second = gx(['data', 'info', 'f.yaml'], { cwd: dir, env });
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /12 images of 32x32x3 \(10 train, 2 held out\)/);
    assert.match(second.stdout, /cache: hit \(nothing decoded\)/);

    writeFileSync(join(dir, 'f.yaml'), yaml('nowhere'));
    const missing = gx(['data', 'info', 'f.yaml'], { cwd: dir, env });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^data.path nowhere does not exist\nhint: point data.path at a folder of PNG/);
  });
});

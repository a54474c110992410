import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gx, tempDir } from '../helpers/cli.js';

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
});

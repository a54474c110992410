import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IDX_IMAGES, IDX_LABELS, parseIdx } from '../../src/data/idx.js';
import { GxError } from '../../src/errors.js';
import { idxFile, tinyDataset } from '../helpers/idx.js';

const corrupt = (pattern: RegExp) => (error: unknown) =>
  error instanceof GxError && error.code === 'DATA_CORRUPT' && pattern.test(error.message) && !!error.hint;

describe('IDX files', () => {
  it('reads raw and gzipped files alike', () => {
    const data = tinyDataset(5);
    for (const gzip of [false, true]) {
      const images = parseIdx('x', data.images(gzip), IDX_IMAGES);
      assert.deepEqual(images.shape, [5, 4, 4]);
      assert.equal(images.data[4 * 16], 4);
      assert.deepEqual([...parseIdx('y', data.labels(gzip), IDX_LABELS).data], [0, 1, 2, 0, 1]);
    }
  });

  it('rejects a truncated file, saying how much is missing', () => {
    const bytes = tinyDataset(5).images().subarray(0, 50);
    assert.throws(() => parseIdx('f', bytes, IDX_IMAGES), corrupt(/^f: truncated: .*5x4x4 = 80 bytes, found 34$/));
  });

  it('rejects a wrong magic number, a labels file given as images for one', () => {
    assert.throws(
      () => parseIdx('f', tinyDataset(5).labels(), IDX_IMAGES),
      corrupt(/magic number 2049, expected 2051 .*not an IDX images file/),
    );
  });

  it('rejects trailing bytes, a header cut short and broken gzip', () => {
    const extra = Buffer.concat([tinyDataset(2).labels(), Buffer.from([1, 2])]);
    assert.throws(() => parseIdx('f', extra, IDX_LABELS), corrupt(/2 unexpected bytes/));
    assert.throws(
      () => parseIdx('f', idxFile(IDX_IMAGES, [1, 2, 2], new Uint8Array(4)).subarray(0, 10), IDX_IMAGES),
      corrupt(/header/),
    );
    const gz = tinyDataset(2).images(true);
    assert.throws(() => parseIdx('f', gz.subarray(0, gz.length - 12), IDX_IMAGES), corrupt(/corrupt gzip/));
  });
});

import assert from 'node:assert/strict';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { selectBackend } from '../../src/backend/select.js';
import { makeBatch } from '../../src/data/batches.js';
import { type ImageFolderOptions, loadImageFolder } from '../../src/data/folder/image-folder.js';
import { GxError } from '../../src/errors.js';
import { tempDir } from '../helpers/cli.js';
import { makeShapesFolder, SHAPES } from '../helpers/shapes-folder.js';

const options = (path: string, more: Partial<ImageFolderOptions> = {}): ImageFolderOptions => ({
  path,
  size: 32,
  channels: 3,
  fit: 'crop',
  labels: 'subfolders',
  holdout: 0.25,
  on_bad_file: 'skip',
  memory_budget_mb: 1024,
  ...more,
});

const rejects = (code: string, message: RegExp) => (error: unknown) =>
  error instanceof GxError && error.code === code && message.test(error.message) && !error.message.includes('\n');

describe('image-folder', () => {
  let folder: string;
  before(async () => {
    await selectBackend('cpu');
    folder = await makeShapesFolder(tempDir(), {
      count: 40,
      size: 32,
      mixedSizes: true,
      brokenFiles: true,
      jpegs: true,
    });
  });

  it('decodes a folder of shapes once: classes from the subfolders, broken files skipped and counted, sizes said once', async () => {
    const cache = tempDir();
    const first = await loadImageFolder(options(folder), 'train', cache);
    assert.equal(first.cache.state, 'built');
    assert.equal(first.cache.decoded, 43);
    assert.equal(first.cache.meta.count, 40);
    assert.deepEqual(first.cache.meta.classes, [...SHAPES]);
    assert.deepEqual(first.cache.meta.skipped.map((bad) => bad.file).sort(), [
      'circle/not-an-image.png',
      'cross/truncated.png',
      'square/truncated.jpg',
    ]);
    assert.equal(first.ignored, 1, 'the README');
    const { set } = first;
    assert.deepEqual([set.count, set.height, set.width, set.channels, set.numClasses], [30, 32, 32, 3, 4]);
    assert.ok(set.pixels instanceof Uint8Array && set.pixels.length === 30 * 32 * 32 * 3);
    assert.equal(set.notes?.length, 2);
    assert.match(set.notes?.[0] ?? '', /skipped 3 file\(s\) that are not decodable images/);
    assert.match(set.notes?.[1] ?? '', /images are not 32x32 \(.*\): each was resized to 32x32 \(fit: crop\)/);
    assert.deepEqual(new Set(set.labels), new Set([0, 1, 2, 3]));

    const again = await loadImageFolder(options(folder), 'train', cache);
    assert.equal(again.cache.state, 'hit');
    assert.equal(again.cache.decoded, 0);
    assert.deepEqual(again.set.pixels, set.pixels);
    const test = (await loadImageFolder(options(folder), 'test', cache)).set;
    assert.equal(test.count, 10);
    assert.ok(new Set(test.labels).size >= 3, 'the holdout spans the classes');

    // A file touched is a folder changed: decoded again.
    utimesSync(join(folder, 'circle', '000000.jpg'), new Date(), new Date(Date.now() - 5000));
    assert.equal((await loadImageFolder(options(folder), 'train', cache)).cache.state, 'built');
  });

  it('reads a set over its memory budget from the cache file, batch by batch, as the same batches', async () => {
    const cache = tempDir();
    const inMemory = (await loadImageFolder(options(folder, { holdout: 4 }), 'train', cache)).set;
    const chunked = (await loadImageFolder(options(folder, { holdout: 4, memory_budget_mb: 0.01 }), 'train', cache))
      .set;
    assert.ok(!(chunked.pixels instanceof Uint8Array));
    const order = Uint32Array.from([5, 0, 35, 17, 2, 9]);
    const [a, b] = [makeBatch(inMemory, order, 1, 3), makeBatch(chunked, order, 1, 3)];
    assert.deepEqual(await b.images.data(), await a.images.data());
    assert.deepEqual(await b.labels.data(), await a.labels.data());
  });

  it('grey and padded: one channel, the whole image in the square', async () => {
    const { set } = await loadImageFolder(
      options(folder, { channels: 1, fit: 'pad', labels: 'none' }),
      'train',
      tempDir(),
    );
    assert.deepEqual([set.channels, set.numClasses, set.labels.every((label) => label === 0)], [1, 0, true]);
  });

  it('fails on the first undecodable image with on_bad_file: fail, naming it; on a cache hit too', async () => {
    const cache = tempDir();
    const fail = options(folder, { on_bad_file: 'fail' });
    await assert.rejects(loadImageFolder(fail, 'train', cache), rejects('DATA_BAD_IMAGE', /not a decodable image/));
    await loadImageFolder(options(folder), 'train', cache);
    await assert.rejects(loadImageFolder(fail, 'train', cache), rejects('DATA_BAD_IMAGE', /not a decodable image/));
  });

  it('says in one line what is wrong with a folder', async () => {
    const cache = tempDir();
    const load = (path: string, more: Partial<ImageFolderOptions> = {}, split: 'train' | 'test' = 'train') =>
      loadImageFolder(options(path, more), split, cache);
    await assert.rejects(load(join(folder, 'missing')), rejects('DATA_NOT_FOUND', /does not exist/));
    await assert.rejects(load(join(folder, 'triangle', 'README.txt')), rejects('DATA_NOT_FOUND', /is not a folder/));
    await assert.rejects(load(tempDir()), rejects('DATA_EMPTY', /is an empty folder/));
    const texts = tempDir();
    mkdirSync(join(texts, 'a'));
    writeFileSync(join(texts, 'a', 'notes.txt'), 'hello');
    await assert.rejects(load(texts), rejects('DATA_NO_IMAGES', /has 1 files but no images \(.png/));
    await assert.rejects(load(join(folder, 'circle')), rejects('DATA_NO_IMAGES', /no images in class subfolders/));
    const oneClass = tempDir();
    mkdirSync(join(oneClass, 'faces'));
    writeFileSync(
      join(oneClass, 'faces', 'a.png'),
      await (await import('sharp'))
        .default({ create: { width: 8, height: 8, channels: 3, background: '#fff' } })
        .png()
        .toBuffer(),
    );
    await assert.rejects(
      load(oneClass),
      rejects('DATA_ONE_CLASS', /one class subfolder \(faces\): labels: subfolders needs two/),
    );
    assert.equal((await load(oneClass, { labels: 'none', holdout: 0 })).set.count, 1);
    const broken = tempDir();
    mkdirSync(join(broken, 'x'));
    writeFileSync(join(broken, 'x', 'a.png'), 'not a png');
    await assert.rejects(
      load(broken, { labels: 'none' }),
      rejects('DATA_NO_IMAGES', /none of its 1 image files could be decoded/),
    );
    await assert.rejects(load(folder, { holdout: 40 }), rejects('DATA_HOLDOUT', /leaves no training images/));
    await assert.rejects(load(folder, { holdout: 0 }, 'test'), rejects('DATA_NO_SPLIT', /holdout is 0/));
  });
});

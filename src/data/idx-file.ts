import { openRegularFile, readUpTo } from '../core/input-file.js';
import { GxError } from '../errors.js';

/** The most an IDX file may hold: a Buffer's limit, far beyond a dataset that fits in memory for training. */
const MAX_BYTES = 2 ** 32 - 1;

const hint = 'point data.images and data.labels (or data.path) at IDX files';

/**
 * An IDX file's bytes (raw, or gzip as stored), read only from a regular file, and no further than its header says
 * the data goes (one byte more, to tell a longer file): a device or a FIFO never fills the memory.
 */
export async function readIdxFile(path: string): Promise<Uint8Array> {
  const handle = await openRegularFile(path, { what: 'an IDX file', hint, codePrefix: 'DATA' });
  try {
    const start = await readUpTo(handle, 4);
    let length = MAX_BYTES;
    if (start.length === 4 && !(start[0] === 0x1f && start[1] === 0x8b)) {
      const dimensions = start[3];
      const header = await readUpTo(handle, 4 + 4 * dimensions);
      if (header.length === 4 + 4 * dimensions) {
        const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
        const shape = Array.from({ length: dimensions }, (_, i) => view.getUint32(4 + 4 * i));
        length = Math.min(MAX_BYTES, header.length + shape.reduce((product, size) => product * size, 1) + 1);
      }
    }
    const bytes = await readUpTo(handle, length);
    if (bytes.length >= MAX_BYTES) {
      throw new GxError('DATA_TOO_LARGE', `${path}: more than ${MAX_BYTES} bytes is too large for an IDX file`, hint);
    }
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } finally {
    await handle.close();
  }
}

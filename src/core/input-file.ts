import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { GxError } from '../errors.js';
import { fileKind } from './file-kind.js';

export interface InputFileOptions {
  /** The most bytes the file may hold. */
  limit: number;
  /** What the file is meant to be, for messages: "an experiment file". */
  what: string;
  /** The hint of a refusal. */
  hint: string;
  /** The codes of the refusals are `<prefix>_NOT_A_FILE` and `<prefix>_TOO_LARGE`. */
  codePrefix: string;
}

/**
 * Reads a file the user names, whole, refusing anything but a regular file and reading at most `limit + 1` bytes
 * whatever its size says: a device (/dev/zero), a FIFO or a file in /proc all say 0 bytes.
 */
export async function readInputFile(path: string, options: InputFileOptions): Promise<Buffer> {
  const handle = await openRegularFile(path, options);
  try {
    const size = (await handle.stat()).size;
    const bytes = await readUpTo(handle, options.limit + 1);
    if (bytes.length > options.limit) {
      const megabytes = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
      const found = size > options.limit ? megabytes(size) : `more than ${megabytes(options.limit)}`;
      throw new GxError(
        `${options.codePrefix}_TOO_LARGE`,
        `${path}: ${found} is too large for ${options.what} (at most ${Number((options.limit / 1e6).toFixed(1))} MB)`,
        options.hint,
      );
    }
    return bytes;
  } finally {
    await handle.close();
  }
}

/**
 * Opens a file the user names for reading, refusing a device, a FIFO, a socket or a folder. Opened without blocking:
 * opening a FIFO with no writer would wait for one for ever.
 */
export async function openRegularFile(
  path: string,
  options: Pick<InputFileOptions, 'what' | 'hint' | 'codePrefix'>,
): Promise<FileHandle> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const stats = await handle.stat().catch(async (error) => {
    await handle.close();
    throw error;
  });
  if (stats.isFile()) return handle;
  await handle.close();
  throw new GxError(
    `${options.codePrefix}_NOT_A_FILE`,
    `${path} is ${fileKind(stats)}, not a regular file: it cannot be ${options.what}`,
    options.hint,
  );
}

/** Up to `count` bytes from the file's start (fewer at its end). */
export async function readUpTo(handle: FileHandle, count: number, position = 0): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < count) {
    const chunk = Buffer.allocUnsafe(Math.min(count - total, 1 << 20));
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, position + total);
    if (bytesRead === 0) break;
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
  }
  return Buffer.concat(chunks, total);
}

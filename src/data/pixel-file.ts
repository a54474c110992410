import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Images kept in a file rather than in memory: `count` examples of `exampleBytes` each, from example `first` of the
 * file on. A set too large for memory trains from one of these, a batch's examples read as the batch is made.
 */
export interface PixelFile {
  readonly path: string;
  readonly first: number;
  readonly exampleBytes: number;
  /** SHA-256 of the whole file's pixels and labels: with `first` and the set's count, it names these examples. */
  readonly digest: string;
}

/** Copies examples `examples` (indices into the set) into `into`, one after another. */
export function readExamples(file: PixelFile, examples: ArrayLike<number>, into: Uint8Array): void {
  const fd = openSync(file.path, 'r');
  try {
    for (let row = 0; row < examples.length; row++) {
      const offset = (file.first + examples[row]) * file.exampleBytes;
      const target = into.subarray(row * file.exampleBytes, (row + 1) * file.exampleBytes);
      let done = 0;
      while (done < target.length) {
        const read = readSync(fd, target, done, target.length - done, offset + done);
        if (read === 0) throw new Error(`${file.path}: ends before example ${file.first + examples[row]}`);
        done += read;
      }
    }
  } finally {
    closeSync(fd);
  }
}

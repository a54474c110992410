import { gzipSync } from 'node:zlib';

/** An IDX file: magic number, big-endian dimensions, then the bytes. */
export function idxFile(magic: number, shape: number[], data: Uint8Array, gzip = false): Uint8Array {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header.writeUInt32BE(magic, 0);
  for (const [i, size] of shape.entries()) header.writeUInt32BE(size, 4 + 4 * i);
  const bytes = Buffer.concat([header, data]);
  return gzip ? gzipSync(bytes) : bytes;
}

/** `count` tiny images (rows x cols) whose pixels encode their index, and labels index % classes. */
export function tinyDataset(count: number, rows = 4, cols = 4, classes = 3) {
  const pixels = new Uint8Array(count * rows * cols).map((_, i) => Math.floor(i / (rows * cols)) % 256);
  const labels = new Uint8Array(count).map((_, i) => i % classes);
  return {
    images: (gzip = false) => idxFile(2051, [count, rows, cols], pixels, gzip),
    labels: (gzip = false) => idxFile(2049, [count], labels, gzip),
  };
}

import type { Image } from './image.js';

/**
 * Encodes an image as lossless WebP (VP8L, https://developers.google.com/speed/webp/docs/webp_lossless_bitstream_specification):
 * the format of the thumbnails MLflow's UI shows for step images. The smallest valid encoder: the subtract-green
 * transform (so grey images need no red or blue bits), then every pixel as literals under fixed 8-bit codes.
 */
export function encodeWebp(image: Image): Uint8Array {
  const { width, height } = image;
  const rgb = (i: number, c: number) => image.pixels[i * image.channels + (image.channels === 1 ? 0 : c)];
  const count = width * height;
  const green = new Uint8Array(count);
  const red = new Uint8Array(count);
  const blue = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    green[i] = rgb(i, 1);
    red[i] = (rgb(i, 0) - green[i]) & 0xff;
    blue[i] = (rgb(i, 2) - green[i]) & 0xff;
  }

  const bits = new BitWriter();
  bits.write(0x2f, 8); // signature
  bits.write(width - 1, 14);
  bits.write(height - 1, 14);
  bits.write(0, 1); // alpha unused
  bits.write(0, 3); // version
  bits.write(1, 1); // a transform follows:
  bits.write(2, 2); // subtract green
  bits.write(0, 1); // no more transforms
  bits.write(0, 1); // no colour cache
  bits.write(0, 1); // no meta prefix codes
  // The five prefix codes: green (+ 24 length codes), red, blue, alpha, distance. A channel that holds a single
  // value gets a one-symbol code and costs no bits per pixel.
  const codes = [
    literalCode(bits, green, 256 + 24),
    literalCode(bits, red, 256),
    literalCode(bits, blue, 256),
    literalCode(bits, new Uint8Array([255]), 256),
    literalCode(bits, new Uint8Array([0]), 40),
  ];
  for (let i = 0; i < count; i++) {
    codes[0](green[i]);
    codes[1](red[i]);
    codes[2](blue[i]);
  }
  const data = bits.bytes();

  const padded = data.length + (data.length % 2);
  const file = Buffer.alloc(20 + padded);
  file.write('RIFF', 0, 'ascii');
  file.writeUInt32LE(12 + padded, 4);
  file.write('WEBPVP8L', 8, 'ascii');
  file.writeUInt32LE(data.length, 16);
  file.set(data, 20);
  return file;
}

/** Writes the prefix code for a channel's values and returns how to write one value with it. */
function literalCode(bits: BitWriter, values: Uint8Array, alphabet: number): (value: number) => void {
  if (values.every((v) => v === values[0])) {
    bits.write(1, 1); // simple code
    bits.write(0, 1); // of one symbol,
    bits.write(1, 1); // written in 8 bits
    bits.write(values[0], 8);
    return () => {};
  }
  // A normal code where symbols 0-255 have length 8 (a complete code: symbol s is s itself) and the rest length 0.
  // Its lengths are themselves coded by the code-length code, where only the lengths 0 and 8 occur (1 bit each).
  bits.write(0, 1); // normal code
  const order = [17, 18, 0, 1, 2, 3, 4, 5, 16, 6, 7, 8];
  bits.write(order.length - 4, 4);
  for (const length of order) bits.write(length === 0 || length === 8 ? 1 : 0, 3);
  bits.write(0, 1); // lengths for the whole alphabet follow
  for (let symbol = 0; symbol < alphabet; symbol++) bits.write(symbol < 256 ? 1 : 0, 1);
  // Prefix codes are read bit by bit from their most significant bit.
  return (value) => bits.write(REVERSED[value], 8);
}

const REVERSED = Uint8Array.from({ length: 256 }, (_, v) => {
  let r = 0;
  for (let b = 0; b < 8; b++) r |= ((v >> b) & 1) << (7 - b);
  return r;
});

/** Packs values least significant bit first, as VP8L reads them. */
class BitWriter {
  private buffer = new Uint8Array(1024);
  private length = 0; // in bits

  write(value: number, count: number): void {
    if (this.length + count > this.buffer.length * 8) {
      const grown = new Uint8Array(this.buffer.length * 2);
      grown.set(this.buffer);
      this.buffer = grown;
    }
    for (let b = 0; b < count; b++, this.length++)
      if ((value >> b) & 1) this.buffer[this.length >> 3] |= 1 << (this.length & 7);
  }

  bytes(): Uint8Array {
    return this.buffer.slice(0, Math.ceil(this.length / 8));
  }
}

import sharp, { type Sharp } from 'sharp';

/** 8-bit pixels, row-major, channels interleaved: what gx draws (sample grids) and encodes (PNG, WebP, GIF). */
export interface Image {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly pixels: Uint8Array;
}

/** A sharp pipeline on the image's pixels; a one-channel image stays grey (b-w) through to the file. */
export function pipeline({ width, height, channels, pixels }: Image): Sharp {
  const input = sharp(pixels, { raw: { width, height, channels } });
  return channels === 1 ? input.toColourspace('b-w') : input;
}

/** The pixels of an image file (PNG, WebP, GIF: its first frame): one channel when the file is grey, else RGB. */
export async function decodeImage(bytes: Uint8Array): Promise<Image> {
  const { space, channels } = await sharp(bytes).metadata();
  const grey = space === 'b-w' || channels === 1 || channels === 2;
  const decoded = sharp(bytes)
    .removeAlpha()
    .toColourspace(grey ? 'b-w' : 'srgb');
  const { data, info } = await decoded.raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: grey ? 1 : 3, pixels: new Uint8Array(data) };
}

import sharp from 'sharp';

/** How an image that is not square (or not the size) becomes size x size. */
export type FolderFit = 'crop' | 'pad';

export interface DecodeOptions {
  size: number;
  channels: 1 | 3;
  fit: FolderFit;
}

export type Decoded = { ok: true; pixels: Uint8Array; width: number; height: number } | { ok: false; reason: string };

/**
 * One image file as size x size x channels bytes: turned as its EXIF orientation says, transparency laid on black,
 * then either cropped to its centre square and resized (crop) or resized whole into the square with black bars (pad),
 * with lanczos3, then grey or sRGB. sharp reads the file itself, so its bytes never sit in the JS heap; a truncated or
 * undecodable file gives a reason instead of pixels.
 */
export async function decodeFile(path: string, { size, channels, fit }: DecodeOptions): Promise<Decoded> {
  try {
    const image = sharp(path, { failOn: 'truncated', pages: 1 }).rotate();
    const { width = 0, height = 0, autoOrient } = await image.metadata();
    const { data, info } = await image
      .flatten({ background: '#000000' })
      .resize(size, size, { fit: fit === 'crop' ? 'cover' : 'contain', position: 'centre', background: '#000000' })
      .toColourspace(channels === 1 ? 'b-w' : 'srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== channels || data.length !== size * size * channels) {
      return { ok: false, reason: `decoded to ${info.width}x${info.height}x${info.channels}` };
    }
    const oriented = autoOrient ?? { width, height };
    return { ok: true, pixels: new Uint8Array(data.buffer, data.byteOffset, data.length), ...oriented };
  } catch (error) {
    return { ok: false, reason: (error as Error).message.split('\n')[0] };
  }
}

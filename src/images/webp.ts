import { type Image, pipeline } from './image.js';

export interface WebpOptions {
  /** libwebp's lossy quality, 1-100. */
  quality: number;
  /** Resized first (bicubic, as Pillow's default resampling) to this size when given. */
  size?: { width: number; height: number };
}

/** Encodes an image as lossy WebP. */
export async function encodeWebp(image: Image, { quality, size }: WebpOptions): Promise<Uint8Array> {
  const input = pipeline(image);
  if (size) input.resize(size.width, size.height, { kernel: 'cubic', fit: 'fill' });
  return input.webp({ quality }).toBuffer();
}

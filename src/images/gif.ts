import sharp from 'sharp';

export interface GifOptions {
  /** Milliseconds each frame shows. */
  frameMs: number;
  /** Milliseconds the last frame shows, before the animation starts again. */
  lastFrameMs: number;
  /** Palette entries, 2-256: a grey image needs few; fewer make a smaller file. */
  colours: number;
  /** libimagequant's dithering, 0-1 (default 0). */
  dither?: number;
}

/**
 * Encodes image files of one size (PNG grids) as an animated GIF that loops, one frame each (identical frames too,
 * so that the frame count is the file count), with libvips reading the files frame by frame: their pixels never sit
 * in the JS heap all at once (240 colour grids of 64 px images are 315 MB decoded).
 */
export async function encodeGifFiles(
  files: readonly string[],
  { frameMs, lastFrameMs, colours, dither = 0 }: GifOptions,
): Promise<Uint8Array> {
  if (files.length === 0) throw new Error('a GIF needs at least one frame');
  const sizes = await Promise.all(files.map(async (file) => sharp(file).metadata()));
  const { width, height } = sizes[0];
  sizes.forEach((size, i) => {
    if (size.width !== width || size.height !== height) {
      throw new Error(`GIF frame ${i} (${files[i]}) is ${size.width}x${size.height}, not ${width}x${height}`);
    }
  });
  const delay = files.map((_, i) => (i === files.length - 1 ? lastFrameMs : frameMs));
  // libvips joins two or more images; a run cut short has one grid, a GIF of one frame.
  let input = files.length === 1 ? sharp(files[0]) : sharp([...files], { join: { animated: true } });
  if (await isGrey(files[0])) input = input.toColourspace('b-w');
  return input.gif({ delay, loop: 0, colours, dither, keepDuplicateFrames: true }).toBuffer();
}

/** Whether an image file is grey (one channel, or grey with alpha). */
export async function isGrey(file: string): Promise<boolean> {
  const { space, channels } = await sharp(file).metadata();
  return space === 'b-w' || channels === 1 || channels === 2;
}

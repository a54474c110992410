/** 8-bit pixels, row-major, channels interleaved: what gx draws (sample grids) and encodes (PNG, WebP). */
export interface Image {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly pixels: Uint8Array;
}

/** The image shrunk (box filter, aspect kept) so that neither side exceeds `size`; unchanged when it fits. */
export function fitWithin(image: Image, size: number): Image {
  const scale = Math.min(1, size / Math.max(image.width, image.height));
  if (scale === 1) return image;
  const width = Math.max(1, Math.floor(image.width * scale));
  const height = Math.max(1, Math.floor(image.height * scale));
  const { channels } = image;
  const pixels = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const [top, bottom] = [Math.floor((y * image.height) / height), Math.ceil(((y + 1) * image.height) / height)];
    for (let x = 0; x < width; x++) {
      const [left, right] = [Math.floor((x * image.width) / width), Math.ceil(((x + 1) * image.width) / width)];
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let sy = top; sy < bottom; sy++)
          for (let sx = left; sx < right; sx++) sum += image.pixels[(sy * image.width + sx) * channels + c];
        pixels[(y * width + x) * channels + c] = Math.round(sum / ((bottom - top) * (right - left)));
      }
    }
  }
  return { width, height, channels, pixels };
}

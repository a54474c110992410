import { GxError } from '../../errors.js';

/** What a DCGAN pair is laid out by: the side of G's first feature map, and the stride-2 steps from it to the image. */
export interface DcganLevels {
  base: number;
  levels: number;
}

/**
 * The levels for a square image: halve its side while it stays a whole number of at least 4 pixels, at least
 * twice. 28 is 7x7 with two upsamplings (the shape gx has always built for MNIST); 32, 64 and 128 are 4x4 with
 * 3, 4 and 5 (Radford et al.'s layout).
 */
export function dcganLevels(height: number, width: number): DcganLevels {
  let [base, levels] = [height, 0];
  while (base % 2 === 0 && base / 2 >= 4) [base, levels] = [base / 2, levels + 1];
  if (height === width && levels >= 2) return { base, levels };
  throw new GxError(
    'CONFIG_CONFLICT',
    `dcgan cannot build ${height}x${width} images: it needs square images whose side halves twice or more to 4 to 7 pixels (28, 32, 48, 64, 128, ...)`,
    'resize the data to one of those sizes, e.g. 32x32',
  );
}

/** Channels at `level` (1: the finest hidden level), doubling at each coarser one, capped at `max`. */
export function levelWidth(width: number, level: number, max: number): number {
  return Math.min(width * 2 ** (level - 1), max);
}

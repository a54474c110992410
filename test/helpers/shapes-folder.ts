import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { mulberry32 } from './images.js';

/** The classes of the synthetic folder, one subfolder each: shapes a small judge tells apart at a glance. */
export const SHAPES = ['circle', 'cross', 'square', 'triangle'] as const;

export interface ShapesFolderOptions {
  /** Images in all, spread evenly over the classes. */
  count: number;
  /** Side of most images; with `mixedSizes`, every 7th is 1.5 x size by size (not square) and every 11th half size. */
  size: number;
  mixedSizes?: boolean;
  /** Adds a text file named like a PNG, a truncated PNG, a truncated JPEG and a README (not an image type). */
  brokenFiles?: boolean;
  /** Every 5th image a JPEG (else PNG). */
  jpegs?: boolean;
  seed?: number;
}

/**
 * Writes a folder of coloured shapes on dark, noisy backgrounds: `<dir>/<shape>/<n>.png`, each shape in a random
 * colour, place and size, so that a class is the subfolder. What tests, the bench and a first run train on.
 */
export async function makeShapesFolder(dir: string, options: ShapesFolderOptions): Promise<string> {
  const { count, size, seed = 1 } = options;
  for (const shape of SHAPES) await mkdir(join(dir, shape), { recursive: true });
  const random = mulberry32(seed);
  const jobs: (() => Promise<void>)[] = [];
  for (let n = 0; n < count; n++) {
    const label = n % SHAPES.length;
    const [width, height] = !options.mixedSizes
      ? [size, size]
      : n % 7 === 3
        ? [Math.round(size * 1.5), size]
        : n % 11 === 5
          ? [size / 2, size / 2]
          : [size, size];
    const jpeg = options.jpegs && n % 5 === 0;
    const file = join(dir, SHAPES[label], `${String(n).padStart(6, '0')}.${jpeg ? 'jpg' : 'png'}`);
    // Drawn when its turn comes: a large folder's pixels are never all in memory.
    jobs.push(async () => {
      const pixels = drawShape(SHAPES[label], width, height, random);
      const image = sharp(pixels, { raw: { width, height, channels: 3 } });
      await writeFile(file, await (jpeg ? image.jpeg({ quality: 92 }) : image.png()).toBuffer());
    });
  }
  for (let i = 0; i < jobs.length; i += 32) await Promise.all(jobs.slice(i, i + 32).map((job) => job()));
  if (options.brokenFiles) {
    const png = await sharp(drawShape('circle', size, size, random), {
      raw: { width: size, height: size, channels: 3 },
    })
      .png()
      .toBuffer();
    const jpg = await sharp(drawShape('square', size, size, random), {
      raw: { width: size, height: size, channels: 3 },
    })
      .jpeg()
      .toBuffer();
    await writeFile(join(dir, 'circle', 'not-an-image.png'), 'this is text, not a PNG\n');
    await writeFile(join(dir, 'cross', 'truncated.png'), png.subarray(0, png.length >> 1));
    await writeFile(join(dir, 'square', 'truncated.jpg'), jpg.subarray(0, jpg.length >> 1));
    await writeFile(join(dir, 'triangle', 'README.txt'), 'shapes drawn by gx tests\n');
  }
  return dir;
}

/** RGB pixels: a dark background with grain, the shape in a bright random hue at a random place and size. */
export function drawShape(shape: string, width: number, height: number, random: () => number): Uint8Array {
  const side = Math.min(width, height);
  const radius = side * (0.22 + random() * 0.12);
  const cx = width / 2 + (random() - 0.5) * (width - 2 * radius) * 0.8;
  const cy = height / 2 + (random() - 0.5) * (height - 2 * radius) * 0.8;
  const colour = hue(random());
  const background = [random() * 60, random() * 60, random() * 60];
  const pixels = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [dx, dy] = [(x + 0.5 - cx) / radius, (y + 0.5 - cy) / radius];
      const inside =
        shape === 'circle'
          ? dx * dx + dy * dy <= 1
          : shape === 'square'
            ? Math.abs(dx) <= 0.8 && Math.abs(dy) <= 0.8
            : shape === 'triangle'
              ? dy <= 0.8 && dy >= -1 && Math.abs(dx) <= (dy + 1) * 0.55
              : (Math.abs(dx) <= 0.3 && Math.abs(dy) <= 1) || (Math.abs(dy) <= 0.3 && Math.abs(dx) <= 1);
      for (let c = 0; c < 3; c++) {
        const grain = (random() - 0.5) * 16;
        pixels[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, (inside ? colour[c] : background[c]) + grain));
      }
    }
  }
  return pixels;
}

/** A bright, saturated colour of hue `h` (0-1). */
function hue(h: number): number[] {
  const f = (n: number) => {
    const k = (n + h * 6) % 6;
    return 255 * (1 - 0.8 * Math.max(0, Math.min(k, 4 - k, 1)));
  };
  return [f(5), f(3), f(1)];
}

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { encodeGifFiles } from '../../src/images/gif.js';
import type { Image } from '../../src/images/image.js';
import { COLOUR_GIF_OPTIONS } from '../../src/runner/callbacks/evolution-gif.js';
import { tempDir } from '../helpers/cli.js';
import { gridLike, meanAbsDifference } from '../helpers/images.js';

/** Each image as a PNG file, as a run writes its grids. */
async function pngFiles(frames: readonly Image[]): Promise<string[]> {
  const dir = tempDir();
  return Promise.all(
    frames.map(async ({ pixels, width, height, channels }, i) => {
      const file = join(dir, `step-${i}.png`);
      writeFileSync(file, await sharp(pixels, { raw: { width, height, channels } }).png().toBuffer());
      return file;
    }),
  );
}

describe('animated GIF', () => {
  it('has a frame per image, their size, the delays asked for, and loops', async () => {
    const frames = [0, 1, 2, 3, 3].map((phase) => gridLike(10, phase)); // the last two alike: still two frames
    const gif = await encodeGifFiles(await pngFiles(frames), { frameMs: 250, lastFrameMs: 2000, colours: 16 });
    const { format, pages, width, pageHeight, delay, loop } = await sharp(gif, { animated: true }).metadata();
    assert.equal(format, 'gif');
    assert.equal(pages, 5);
    assert.deepEqual([width, pageHeight], [frames[0].width, frames[0].height]);
    assert.deepEqual(delay, [250, 250, 250, 250, 2000]);
    assert.equal(loop, 0);
  });

  it('keeps each frame close to its image with a small palette, in a small file', async () => {
    const frames = [0, 1, 2].map((phase) => gridLike(10, phase));
    const gif = await encodeGifFiles(await pngFiles(frames), { frameMs: 250, lastFrameMs: 2000, colours: 16 });
    const { data, info } = await sharp(gif, { animated: true })
      .toColourspace('b-w')
      .raw()
      .toBuffer({ resolveWithObject: true });
    assert.equal(info.channels, 1);
    const size = frames[0].pixels.length;
    frames.forEach((frame, i) => {
      const error = meanAbsDifference(data.subarray(i * size, (i + 1) * size), frame.pixels);
      assert.ok(error < 5, `frame ${i}: mean error ${error}`);
    });
    assert.ok(
      gif.length < (frames.length * size) / 2,
      `${gif.length} bytes for ${frames.length} frames of ${size} pixels`,
    );
  });

  it('refuses frames of different sizes', async () => {
    await assert.rejects(
      encodeGifFiles(await pngFiles([gridLike(10), gridLike(9)]), { frameMs: 250, lastFrameMs: 250, colours: 16 }),
      /frame 1/,
    );
  });

  it('makes a colour GIF from grid files, frame by frame, close to each grid in colour', async () => {
    const colourGrid = (phase: number) => {
      const grey = gridLike(3, phase);
      const pixels = new Uint8Array(grey.pixels.length * 3);
      for (const [i, value] of grey.pixels.entries()) pixels.set([value, (value * (i % 7)) / 7, 255 - value], i * 3);
      return { width: grey.width, height: grey.height, channels: 3 as const, pixels };
    };
    const grids = [0, 1, 2].map(colourGrid);
    const files = await pngFiles(grids);
    const gif = await encodeGifFiles(files, COLOUR_GIF_OPTIONS);
    const { pages } = await sharp(gif, { animated: true }).metadata();
    assert.equal(pages, 3);
    // A run cut short has one grid: a GIF of one frame.
    const single = await sharp(await encodeGifFiles(files.slice(0, 1), COLOUR_GIF_OPTIONS)).metadata();
    assert.deepEqual([single.format, single.pages], ['gif', 1]);
    const data = await sharp(gif, { animated: true }).removeAlpha().raw().toBuffer();
    const size = grids[0].pixels.length;
    grids.forEach((grid, i) => {
      const error = meanAbsDifference(data.subarray(i * size, (i + 1) * size), grid.pixels);
      assert.ok(error < 4, `frame ${i}: mean error ${error}`);
    });
  });
});

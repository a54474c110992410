import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { encodeGif } from '../../src/images/gif.js';
import { gridLike, meanAbsDifference } from '../helpers/images.js';

describe('animated GIF', () => {
  it('has a frame per image, their size, the delays asked for, and loops', async () => {
    const frames = [0, 1, 2, 3, 3].map((phase) => gridLike(10, phase)); // the last two alike: still two frames
    const gif = await encodeGif(frames, { frameMs: 250, lastFrameMs: 2000, colours: 16 });
    const { format, pages, width, pageHeight, delay, loop } = await sharp(gif, { animated: true }).metadata();
    assert.equal(format, 'gif');
    assert.equal(pages, 5);
    assert.deepEqual([width, pageHeight], [frames[0].width, frames[0].height]);
    assert.deepEqual(delay, [250, 250, 250, 250, 2000]);
    assert.equal(loop, 0);
  });

  it('keeps each frame close to its image with a small palette, in a small file', async () => {
    const frames = [0, 1, 2].map((phase) => gridLike(10, phase));
    const gif = await encodeGif(frames, { frameMs: 250, lastFrameMs: 2000, colours: 16 });
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
      encodeGif([gridLike(10), gridLike(9)], { frameMs: 250, lastFrameMs: 250, colours: 16 }),
      /frame 1/,
    );
  });
});

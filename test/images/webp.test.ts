import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { decodeImage, type Image, pipeline } from '../../src/images/image.js';
import { encodePng } from '../../src/images/png.js';
import { stepImageFiles, thumbnailSize } from '../../src/tracking/step-images.js';
import { tempDir } from '../helpers/cli.js';
import { gridLike, meanAbsDifference } from '../helpers/images.js';
import { mlflowPython } from '../helpers/mlflow.js';

/** What the hand-written lossless encoder gx had wrote for every 256x256 thumbnail: 8 bits a pixel and headers. */
const OLD_THUMBNAIL_BYTES = 65_608;

/** A WebP file's pixels as grey levels (WebP itself has no grey mode). */
async function greyPixels(webp: Uint8Array | string): Promise<Buffer> {
  return sharp(webp).toColourspace('b-w').raw().toBuffer();
}

function randomImage(width: number, height: number, channels: 1 | 3): Image {
  const pixels = Uint8Array.from({ length: width * height * channels }, (_, i) => (i * 7919 + (i >> 3) * 31) % 256);
  return { width, height, channels, pixels };
}

describe('PNG', () => {
  for (const [width, height, channels] of [
    [5, 3, 1],
    [17, 9, 3],
    [1, 1, 3],
  ] as const) {
    it(`decodes to the same pixels: ${width}x${height}, ${channels} channel(s)`, async () => {
      const image = randomImage(width, height, channels);
      const png = await encodePng(image);
      assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
      assert.equal((await sharp(png).metadata()).channels, channels); // grey stays one channel
      assert.deepEqual(await decodeImage(png), { ...image, pixels: new Uint8Array(image.pixels) });
    });
  }
});

describe("step images' thumbnails, as MLflow's log_image writes them", () => {
  it('sizes them as compress_image_size: the longer side 256 px, the other rounded down', () => {
    assert.deepEqual(thumbnailSize(302, 302), { width: 256, height: 256 });
    assert.deepEqual(thumbnailSize(302, 62), { width: 256, height: 52 }); // 62 * 256 / 302 = 52.6
    assert.deepEqual(thumbnailSize(62, 302), { width: 52, height: 256 });
    assert.deepEqual(thumbnailSize(32, 16), { width: 256, height: 128 }); // enlarged, as MLflow does
  });

  it('writes the PNG as is and a lossy WebP thumbnail a fraction of its size that looks the same', async () => {
    const grid = gridLike();
    const [png, webp] = await stepImageFiles('samples', 600, grid, 1234);
    assert.match(png.name, /^samples\+step\+600\+timestamp\+1234\+[0-9a-f-]{36}\.png$/);
    assert.equal(webp.name, png.name.replace(/\.png$/, '+compressed.webp'));
    assert.deepEqual((await decodeImage(png.bytes)).pixels, grid.pixels);

    const { format, width, height } = await sharp(webp.bytes).metadata();
    assert.deepEqual([format, width, height], ['webp', 256, 256]);
    assert.ok(webp.bytes.length < OLD_THUMBNAIL_BYTES / 3, `${webp.bytes.length} bytes`);
    assert.ok(webp.bytes.length < png.bytes.length / 2, `${webp.bytes.length} against the PNG's ${png.bytes.length}`);
    // Against the grid shrunk without loss: lossy at quality 80 moves a pixel by a few levels on average.
    const shrunk = await pipeline(grid).resize(256, 256, { kernel: 'cubic' }).raw().toBuffer();
    const error = meanAbsDifference(await greyPixels(webp.bytes), shrunk);
    assert.ok(error < 4, `mean error ${error}`);
    // ... and not by chance: a thumbnail of other content is far from it.
    const other = await greyPixels((await stepImageFiles('samples', 1, gridLike(10, 3)))[1].bytes);
    assert.ok(meanAbsDifference(other, shrunk) > 4 * error);
  });

  it("matches what MLflow's Python client writes for the same image (Pillow and libwebp)", async () => {
    const dir = tempDir();
    const grid = gridLike();
    const [png, webp] = await stepImageFiles('samples', 0, grid);
    writeFileSync(join(dir, 'grid.png'), png.bytes);
    const code = `
import sys
from PIL import Image
from mlflow.tracking.multimedia import compress_image_size
compress_image_size(Image.open(sys.argv[1])).save(sys.argv[2])
`;
    execFileSync(mlflowPython(), ['-c', code, join(dir, 'grid.png'), join(dir, 'mlflow.webp')]);
    const [theirs, ours] = [await sharp(join(dir, 'mlflow.webp')).metadata(), await sharp(webp.bytes).metadata()];
    assert.deepEqual([ours.width, ours.height], [theirs.width, theirs.height]);
    const error = meanAbsDifference(await greyPixels(webp.bytes), await greyPixels(join(dir, 'mlflow.webp')));
    assert.ok(error < 3, `mean difference ${error}`);
    const theirBytes = (await sharp(join(dir, 'mlflow.webp')).toBuffer()).length;
    assert.ok(
      Math.abs(webp.bytes.length - theirBytes) < theirBytes * 0.1,
      `${webp.bytes.length} against ${theirBytes}`,
    );
  });
});

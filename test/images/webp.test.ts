import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fitWithin, type Image } from '../../src/images/image.js';
import { encodeWebp } from '../../src/images/webp.js';
import { tempDir } from '../helpers/cli.js';
import { mlflowPython } from '../helpers/mlflow.js';

/** Decodes a WebP file with Pillow (libwebp), as MLflow's UI would show it: [width, height, RGB bytes]. */
function decodeWithPillow(file: string): [number, number, number[]] {
  const code = `
import json, sys
from PIL import Image
image = Image.open(sys.argv[1]).convert("RGB")
print(json.dumps([image.width, image.height, list(image.tobytes())]))
`;
  return JSON.parse(execFileSync(mlflowPython(), ['-c', code, file], { encoding: 'utf8' }));
}

function randomImage(width: number, height: number, channels: 1 | 3): Image {
  const pixels = Uint8Array.from({ length: width * height * channels }, (_, i) => (i * 7919 + (i >> 3) * 31) % 256);
  return { width, height, channels, pixels };
}

describe('lossless WebP', () => {
  for (const [width, height, channels] of [
    [5, 3, 1],
    [17, 9, 3],
    [1, 1, 3],
  ] as const) {
    it(`decodes (libwebp) to the same pixels: ${width}x${height}, ${channels} channel(s)`, () => {
      const image = randomImage(width, height, channels);
      const file = join(tempDir(), 'x.webp');
      writeFileSync(file, encodeWebp(image));
      const [w, h, rgb] = decodeWithPillow(file);
      assert.deepEqual([w, h], [width, height]);
      const expected = Array.from({ length: width * height * 3 }, (_, i) =>
        channels === 1 ? image.pixels[Math.floor(i / 3)] : image.pixels[i],
      );
      assert.deepEqual(rgb, expected);
    });
  }

  it('shrinks thumbnails to fit, averaging the pixels each one covers', () => {
    const image: Image = {
      width: 4,
      height: 2,
      channels: 1,
      pixels: new Uint8Array([0, 100, 200, 250, 0, 100, 0, 50]),
    };
    assert.deepEqual(fitWithin(image, 2), { width: 2, height: 1, channels: 1, pixels: new Uint8Array([50, 125]) });
    assert.equal(fitWithin(image, 4), image);
  });
});

import { randomUUID } from 'node:crypto';
import type { Image } from '../images/image.js';
import { encodePng } from '../images/png.js';
import { encodeWebp } from '../images/webp.js';

/** Set on a run with step images: the UI then looks for them under images/. */
export const LOGGED_IMAGES_TAG = 'mlflow.loggedImages';

/** mlflow.tracking.multimedia.COMPRESSED_IMAGE_SIZE: the longer side of a step image's thumbnail. */
const THUMBNAIL_SIZE = 256;
/** The thumbnail is saved by Pillow with its WebP defaults: lossy, quality 80. */
const THUMBNAIL_QUALITY = 80;

/**
 * An image logged at a step as `mlflow.log_image(image, key=, step=)` does (MLflow 3.x), so the UI charts it by step:
 * images/<key, / as ~>+step+<step>+timestamp+<ms>+<uuid>.png and a thumbnail, the same name with +compressed.webp.
 * (Older clients wrote % for + and # for ~; the UI reads both.)
 */
export async function stepImageFiles(key: string, step: number, image: Image, timestamp = Date.now()) {
  const name = `${key.replaceAll('/', '~')}+step+${step}+timestamp+${timestamp}+${randomUUID()}`;
  const size = thumbnailSize(image.width, image.height);
  return [
    { name: `${name}.png`, bytes: await encodePng(image) },
    { name: `${name}+compressed.webp`, bytes: await encodeWebp(image, { quality: THUMBNAIL_QUALITY, size }) },
  ];
}

/**
 * The thumbnail's size as mlflow.tracking.multimedia.compress_image_size computes it: the longer side becomes 256 px
 * (smaller images are enlarged to it too), the other keeps the aspect ratio, rounded down.
 */
export function thumbnailSize(width: number, height: number): { width: number; height: number } {
  return width > height
    ? { width: THUMBNAIL_SIZE, height: Math.max(1, Math.trunc(height * (THUMBNAIL_SIZE / width))) }
    : { width: Math.max(1, Math.trunc(width * (THUMBNAIL_SIZE / height))), height: THUMBNAIL_SIZE };
}

import { randomUUID } from 'node:crypto';
import { fitWithin, type Image } from '../images/image.js';
import { encodePng } from '../images/png.js';
import { encodeWebp } from '../images/webp.js';

/** Set on a run with step images: the UI then looks for them under images/. */
export const LOGGED_IMAGES_TAG = 'mlflow.loggedImages';

/**
 * An image logged at a step as `mlflow.log_image(image, key=, step=)` does (MLflow 3.x), so the UI charts it by step:
 * images/<key, / as ~>+step+<step>+timestamp+<ms>+<uuid>.png and a thumbnail at most 256 px, the same name
 * with +compressed.webp. (Older clients wrote % for + and # for ~; the UI reads both.)
 */
export function stepImageFiles(key: string, step: number, image: Image, timestamp = Date.now()) {
  const name = `${key.replaceAll('/', '~')}+step+${step}+timestamp+${timestamp}+${randomUUID()}`;
  return [
    { name: `${name}.png`, bytes: encodePng(image) },
    { name: `${name}+compressed.webp`, bytes: encodeWebp(fitWithin(image, 256)) },
  ];
}

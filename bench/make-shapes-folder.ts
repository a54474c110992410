import { makeShapesFolder } from '../test/helpers/shapes-folder.js';

/**
 * Makes a folder of synthetic coloured shapes, a subfolder per class, to try image-folder experiments on:
 *   node dist/bench/make-shapes-folder.js shapes 8000 32    # <folder> [count, default 8000] [size, default 32]
 */
const [dir, count = '8000', size = '32'] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node dist/bench/make-shapes-folder.js <folder> [count] [size]');
  process.exit(2);
}
await makeShapesFolder(dir, { count: Number(count), size: Number(size) });
console.log(`${dir}: ${count} images of ${size}x${size} in circle/ cross/ square/ triangle/`);

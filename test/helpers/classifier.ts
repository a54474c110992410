import { selectBackend } from '../../src/backend/select.js';
import { mnist } from '../../src/data/catalog.js';
import { firstExamples, loadSplit } from '../../src/data/image-set.js';
import { loadClassifier } from '../../src/eval/classifier.js';
import { tempDir } from './cli.js';

/**
 * A gx cache holding a classifier trained on the first 1000 MNIST images only (seconds, not the minutes of the
 * real one): enough to check that runs are evaluated and recorded, not how well. Runs see it with GX_CACHE_DIR.
 */
export async function cacheWithQuickClassifier(): Promise<{ cache: string; accuracy: number }> {
  await selectBackend('wasm');
  const cache = tempDir('gx-cache-');
  const sources = { cacheDir: cache, download: false };
  const test = await loadSplit(mnist, 'test', sources);
  const train = firstExamples(await loadSplit(mnist, 'train', sources), 1000);
  const classifier = await loadClassifier('mnist', 0, cache, { train, test });
  classifier.dispose();
  return { cache, accuracy: classifier.accuracy };
}

import { selectBackend } from '../src/backend/select.js';
import { createRandom } from '../src/random.js';
import { backendFrechetDistance, backendMoments } from '../src/registry/metrics/backend-frechet.js';
import type { Features } from '../src/registry/metrics/moments.js';

const ROWS = 2000;
const DIM = 2048;

/**
 * Seconds for FID between two 2,000-row sets of 2048-d features (an ImageNet network's pool features) on native
 * TensorFlow: the moments (one matMul each) and the root's trace (one symmetric eigen-decomposition of a 2000 x 2000 matrix, values only, in float64). The features
 * are correlated, non-negative and nearly alike (one set shifted a little), so the FID is small, as a good G's is.
 */
export async function benchFid() {
  await selectBackend('tensorflow');
  const random = createRandom(0);
  const mix = Float64Array.from({ length: 64 * DIM }, () => random.next() - 0.5);
  const draw = (shift: number): Features => {
    const values = new Float64Array(ROWS * DIM);
    const hidden = new Float64Array(64);
    for (let n = 0; n < ROWS; n++) {
      for (let k = 0; k < 64; k++) hidden[k] = random.next() - 0.5;
      for (let j = 0; j < DIM; j++) {
        let sum = 0.2 * (random.next() - 0.5) + shift;
        for (let k = 0; k < 64; k++) sum += hidden[k] * mix[k * DIM + j];
        values[n * DIM + j] = Math.max(sum + 0.5, 0);
      }
    }
    return { count: ROWS, dim: DIM, values };
  };
  const [a, b] = [draw(0), draw(0.01)];
  const start = performance.now();
  const [ma, mb] = [backendMoments(a), backendMoments(b)];
  const momentsSeconds = (performance.now() - start) / 1000;
  const fid = backendFrechetDistance(ma, mb, b);
  const seconds = (performance.now() - start) / 1000;
  return { rows: ROWS, dim: DIM, fid, moments_s: momentsSeconds, fid_total_s: seconds };
}

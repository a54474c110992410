import { type Features, type Moments, multiply, sqrtSymmetric, symmetricEigen } from './moments.js';

/**
 * Fréchet distance between Gaussians fitted to two feature sets (Heusel et al. 2017, "GANs trained by a two
 * time-scale update rule", eq. 6): ||mu1 - mu2||^2 + tr(S1 + S2 - 2 (S1 S2)^(1/2)). tr (S1 S2)^(1/2) is taken as
 * tr (S1^(1/2) S2 S1^(1/2))^(1/2), the same number through symmetric matrices only.
 */
export function frechetDistance(a: Moments, b: Moments): number {
  const dim = a.mean.length;
  let distance = 0;
  for (let i = 0; i < dim; i++)
    distance += (a.mean[i] - b.mean[i]) ** 2 + a.covariance[i * dim + i] + b.covariance[i * dim + i];
  const rootA = sqrtSymmetric(a.covariance, dim);
  const inner = multiply(multiply(rootA, b.covariance, dim), rootA, dim);
  for (let i = 0; i < dim; i++)
    for (let j = 0; j < i; j++) inner[i * dim + j] = inner[j * dim + i] = (inner[i * dim + j] + inner[j * dim + i]) / 2;
  for (const value of symmetricEigen(inner, dim).values) distance -= 2 * Math.sqrt(Math.max(value, 0));
  return Math.max(distance, 0);
}

/**
 * The Inception score computed with a classifier of the data's own domain (TF-GAN's "MNIST score"; Salimans et
 * al. 2016): exp(E_x KL(p(y|x) || p(y))), p(y) the mean prediction, averaged over `splits` equal parts.
 * 10 for confident, balanced predictions over 10 classes; 1 for a generator that always draws one class.
 */
export function classifierScore(probabilities: Features, splits = 10): number {
  const { count, dim, values } = probabilities;
  const size = Math.floor(count / splits);
  let total = 0;
  for (let s = 0; s < splits; s++) {
    const marginal = new Float64Array(dim);
    for (let n = s * size; n < (s + 1) * size; n++)
      for (let c = 0; c < dim; c++) marginal[c] += values[n * dim + c] / size;
    let kl = 0;
    for (let n = s * size; n < (s + 1) * size; n++)
      for (let c = 0; c < dim; c++) {
        const p = values[n * dim + c];
        if (p > 0) kl += (p * Math.log(p / marginal[c])) / size;
      }
    total += Math.exp(kl);
  }
  return total / splits;
}

/**
 * Kernel Inception distance (Bińkowski et al. 2018, "Demystifying MMD GANs", eq. 2): the unbiased MMD^2 with the
 * kernel k(x, y) = (x.y / d + 1)^3, averaged over `subsets` random subsets of `subsetSize` from each set.
 */
export function kernelDistance(
  a: Features,
  b: Features,
  subsets = 100,
  subsetSize = 1000,
  random = Math.random,
): number {
  const m = Math.min(subsetSize, a.count, b.count);
  const kernel = (x: Features, i: number, y: Features, j: number) => {
    let dot = 0;
    for (let k = 0; k < x.dim; k++) dot += x.values[i * x.dim + k] * y.values[j * y.dim + k];
    return (dot / x.dim + 1) ** 3;
  };
  const pick = (set: Features) => {
    if (m === set.count) return Array.from({ length: m }, (_, i) => i);
    const order = Array.from({ length: set.count }, (_, i) => i);
    for (let i = 0; i < m; i++) {
      const j = i + Math.floor(random() * (set.count - i));
      [order[i], order[j]] = [order[j], order[i]];
    }
    return order.slice(0, m);
  };
  const rounds = m === a.count && m === b.count ? 1 : subsets; // the whole sets: one exact value
  let total = 0;
  for (let round = 0; round < rounds; round++) {
    const [x, y] = [pick(a), pick(b)];
    let [kxx, kyy, kxy] = [0, 0, 0];
    for (let i = 0; i < m; i++)
      for (let j = 0; j < m; j++) {
        if (i !== j) kxx += kernel(a, x[i], a, x[j]);
        if (i !== j) kyy += kernel(b, y[i], b, y[j]);
        kxy += kernel(a, x[i], b, y[j]);
      }
    total += kxx / (m * (m - 1)) + kyy / (m * (m - 1)) - (2 * kxy) / (m * m);
  }
  return total / rounds;
}

/**
 * How often the most probable class is the one asked for (conditional generators; AC-GAN, Odena et al. 2017):
 * the share of rows whose arg max is `labels[n]`.
 */
export function labelAccuracy(probabilities: Features, labels: ArrayLike<number>): number {
  const { count, dim, values } = probabilities;
  let correct = 0;
  for (let n = 0; n < count; n++) {
    let best = 0;
    for (let c = 1; c < dim; c++) if (values[n * dim + c] > values[n * dim + best]) best = c;
    if (best === labels[n]) correct++;
  }
  return correct / count;
}

/**
 * Improved precision and recall (Kynkäänniemi et al. 2019): each set's manifold is the union of balls around its
 * points reaching their k-th nearest neighbour. Precision: the share of generated points inside the real
 * manifold (quality); recall: the share of real points inside the generated one (coverage).
 */
export function precisionRecall(real: Features, fake: Features, k = 3): { precision: number; recall: number } {
  return { precision: coverage(real, fake, k), recall: coverage(fake, real, k) };
}

/** The share of `points` within the k-NN manifold of `manifold`. */
function coverage(manifold: Features, points: Features, k: number): number {
  const distance = (x: Features, i: number, y: Features, j: number) => {
    let sum = 0;
    for (let d = 0; d < x.dim; d++) sum += (x.values[i * x.dim + d] - y.values[j * y.dim + d]) ** 2;
    return sum;
  };
  const radii = Array.from({ length: manifold.count }, (_, i) => {
    const distances = Array.from({ length: manifold.count }, (_, j) => distance(manifold, i, manifold, j)).sort(
      (p, q) => p - q,
    );
    return distances[Math.min(k, manifold.count - 1)]; // [0] is the point itself
  });
  let inside = 0;
  for (let p = 0; p < points.count; p++) {
    for (let i = 0; i < manifold.count; i++) {
      if (distance(points, p, manifold, i) <= radii[i]) {
        inside++;
        break;
      }
    }
  }
  return inside / points.count;
}

import { GxError } from '../../errors.js';
import { createRandom } from '../../random.js';
import { classifierScore, frechetDistance, kernelDistance, labelAccuracy, precisionRecall as pr } from './formulas.js';
import { type Features, moments } from './moments.js';

/**
 * The evaluation metrics for anyone's samples, on plain arrays: one row of numbers per image (features, or class
 * probabilities), as gx computes them for its runs (see formulas.ts for the papers and equations). The features are
 * yours to choose: gx's runs use its MNIST classifier's penultimate layer, FID's paper Inception's pool3.
 */
export type Rows = readonly (readonly number[])[];

/** Fréchet distance between Gaussians fitted to two sets of feature rows (Heusel et al. 2017, eq. 6). */
export function fid(a: Rows, b: Rows): number {
  const [x, y] = sameWidth([rows(a, 'a', 2), rows(b, 'b', 2)]);
  return frechetDistance(moments(x), moments(y));
}

export interface KidOptions {
  /** Subsets averaged over (Bińkowski et al.: 100) and their size (1000); the whole sets when both fit. */
  subsets?: number;
  subsetSize?: number;
  /** Seeds the choice of subsets. */
  seed?: number;
}

/** Kernel distance (Bińkowski et al. 2018, eq. 2): the unbiased MMD^2 with the kernel (x.y / d + 1)^3. */
export function kid(a: Rows, b: Rows, { subsets = 100, subsetSize = 1000, seed = 0 }: KidOptions = {}): number {
  const [x, y] = sameWidth([rows(a, 'a', 2), rows(b, 'b', 2)]);
  return kernelDistance(x, y, subsets, Math.max(2, subsetSize), createRandom(seed).next);
}

/**
 * The Inception score with your own classifier (Salimans et al. 2016; TF-GAN's MNIST score): exp(E KL(p(y|x) ||
 * p(y))) per split of the rows, averaged over `splits`. Rows are class probabilities (each summing to 1).
 */
export function mnistScore(probabilities: Rows, { splits = 10 }: { splits?: number } = {}): number {
  const set = rows(probabilities, 'probabilities', splits);
  for (let n = 0; n < set.count; n++) {
    let sum = 0;
    for (let c = 0; c < set.dim; c++) {
      const p = set.values[n * set.dim + c];
      if (p < 0) throw badInput(`probabilities[${n}] has a negative entry`);
      sum += p;
    }
    if (Math.abs(sum - 1) > 1e-3) throw badInput(`probabilities[${n}] sums to ${sum}, not 1`);
  }
  return classifierScore(set, splits);
}

/** Improved precision (share of `fake` in the real manifold) and recall (Kynkäänniemi et al. 2019), k-NN radii. */
export function precisionRecall(real: Rows, fake: Rows, { k = 3 }: { k?: number } = {}) {
  const [x, y] = sameWidth([rows(real, 'real', k + 1), rows(fake, 'fake', k + 1)]);
  return pr(x, y, k);
}

/** The share of rows whose most probable class is the label asked for (a conditional generator's accuracy). */
export function classAccuracy(probabilities: Rows, labels: readonly number[]): number {
  const set = rows(probabilities, 'probabilities', 1);
  if (labels.length !== set.count) throw badInput(`${labels.length} labels for ${set.count} rows of probabilities`);
  return labelAccuracy(set, labels);
}

function rows(input: Rows, name: string, least: number): Features {
  if (!Array.isArray(input) || input.length < least) throw badInput(`${name}: at least ${least} rows are needed`);
  const dim = input[0]?.length ?? 0;
  const values = new Float64Array(input.length * dim);
  for (let n = 0; n < input.length; n++) {
    const row = input[n];
    if (row.length !== dim || dim === 0) throw badInput(`${name}[${n}] has ${row.length} numbers, row 0 has ${dim}`);
    for (let i = 0; i < dim; i++) {
      if (!Number.isFinite(row[i])) throw badInput(`${name}[${n}][${i}] is ${row[i]}, not a finite number`);
      values[n * dim + i] = row[i];
    }
  }
  return { count: input.length, dim, values };
}

function sameWidth([a, b]: [Features, Features]): [Features, Features] {
  if (a.dim !== b.dim) throw badInput(`the two sets' rows have ${a.dim} and ${b.dim} numbers`);
  return [a, b];
}

function badInput(message: string): GxError {
  return new GxError('METRIC_INPUT', message, 'give one array of numbers per image, all of the same length');
}

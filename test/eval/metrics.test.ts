import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom } from '../../src/random.js';
import {
  classifierScore,
  frechetDistance,
  kernelDistance,
  labelAccuracy,
  precisionRecall,
} from '../../src/registry/metrics/formulas.js';
import { type Features, moments, multiply, sqrtSymmetric, symmetricEigen } from '../../src/registry/metrics/moments.js';
import { references } from '../helpers/references.js';

const features = (rows: number[][]): Features => ({
  count: rows.length,
  dim: rows[0].length,
  values: Float64Array.from(rows.flat()),
});
const close = (actual: number, expected: number, tolerance = 1e-9) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not ${expected}`);

describe('evaluation metrics, against analytic values', () => {
  it('FID of 1-D N(0, 1) against N(1, 4) is 2', () => {
    const distance = frechetDistance(
      { mean: Float64Array.of(0), covariance: Float64Array.of(1) },
      { mean: Float64Array.of(1), covariance: Float64Array.of(4) },
    );
    close(distance, 2);
  });

  it('FID of [[2, 1], [1, 2]] against I with equal means is 4 - 2 sqrt(3)', () => {
    const distance = frechetDistance(
      { mean: Float64Array.of(3, -1), covariance: Float64Array.of(2, 1, 1, 2) },
      { mean: Float64Array.of(3, -1), covariance: Float64Array.of(1, 0, 0, 1) },
    );
    close(distance, 4 - 2 * Math.sqrt(3));
  });

  it('FID is 0 for the same Gaussian and symmetric, through sample moments of random 8-D sets', () => {
    const random = (seed: number) => createRandom(seed).next;
    const draw = (next: () => number, n: number, scale: number) =>
      features(Array.from({ length: n }, () => Array.from({ length: 8 }, (_, i) => scale * (next() + next() - 1) + i)));
    const [a, b] = [moments(draw(random(1), 400, 1)), moments(draw(random(2), 400, 2))];
    close(frechetDistance(a, a), 0, 1e-8);
    close(frechetDistance(a, b), frechetDistance(b, a), 1e-8);
    assert.ok(frechetDistance(a, b) > 0.1);
  });

  it('eigen-decomposes and square-roots a symmetric matrix (Jacobi)', () => {
    const matrix = Float64Array.of(4, 1, 2, 1, 3, 0, 2, 0, 5);
    const { values } = symmetricEigen(matrix, 3);
    close(
      values.reduce((s, v) => s + v, 0),
      12,
      1e-12,
    ); // the trace
    close(
      values.reduce((p, v) => p * v, 1),
      4 * 15 - 1 * 5 + 2 * -6,
      1e-9,
    ); // the determinant
    const root = sqrtSymmetric(matrix, 3);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        let square = 0;
        for (let k = 0; k < 3; k++) square += root[i * 3 + k] * root[k * 3 + j];
        close(square, matrix[i * 3 + j], 1e-9);
      }
  });

  it('the MNIST score is 10 for confident balanced predictions and 1 for a collapsed generator', () => {
    const oneHot = (c: number) => Array.from({ length: 10 }, (_, i) => (i === c ? 1 : 0));
    close(classifierScore(features(Array.from({ length: 100 }, (_, n) => oneHot(n % 10))), 10), 10);
    close(classifierScore(features(Array.from({ length: 100 }, () => oneHot(3))), 10), 1);
    close(classifierScore(features(Array.from({ length: 100 }, () => Array(10).fill(0.1))), 10), 1);
  });

  it('KID: the unbiased MMD^2 with the cubic kernel, by hand for two 1-D pairs', () => {
    // k(x, y) = (xy + 1)^3. Within X = {0, 1}: k(0, 1) = 1. Within Y = {0, 2}: 1. Across: 1, 1, 1, 27 -> mean 7.5.
    close(kernelDistance(features([[0], [1]]), features([[0], [2]])), 1 + 1 - 2 * 7.5);
    // X = Y = {1, 2}: within, k(1, 2) = 27; across, (8 + 27 + 27 + 125) / 4: an unbiased estimate can be negative.
    close(kernelDistance(features([[1], [2]]), features([[1], [2]])), 27 + 27 - 2 * ((8 + 27 + 27 + 125) / 4));
  });

  it('the principal (positive) square root, products, and eigenvalues where a pivot is already 0', () => {
    assert.deepEqual([...sqrtSymmetric(Float64Array.of(4, 0, 0, 9), 2)], [2, 0, 0, 3]);
    assert.deepEqual([...multiply(Float64Array.of(1, 2, 3, 4), Float64Array.of(5, 6, 7, 8), 2)], [19, 22, 43, 50]);
    // a[0][1] = 0 with a[0][0] = a[1][1]: no rotation there (0 / 0), the (1, 2) block gives 1 and 3.
    const { values } = symmetricEigen(Float64Array.of(2, 0, 0, 0, 2, 1, 0, 1, 2), 3);
    assert.deepEqual([...values].map((v) => Math.round(v * 1e9) / 1e9).sort(), [1, 2, 3]);
  });

  it('sample moments: the mean and the unbiased (n - 1) covariance, by hand', () => {
    const { mean, covariance } = moments(
      features([
        [1, 2],
        [3, 5],
        [5, 11],
      ]),
    );
    assert.deepEqual([...mean], [3, 6]);
    // Deviations (-2, 0, 2) and (-4, -1, 5): sums of products 8, 18, 42 over n - 1 = 2.
    assert.deepEqual([...covariance], [4, 9, 9, 21]);
  });

  it('KID on random subsets when the sets are larger than subsetSize: each round an exact KID of the drawn rows', () => {
    const a = features(Array.from({ length: 5 }, (_, i) => [i, (i * 7) % 5, 1 - i]));
    const b = features(Array.from({ length: 6 }, (_, i) => [i / 2, 2 - i, (i * 3) % 4]));
    const pickRows = (set: Features, rows: number[]) =>
      features(rows.map((r) => [...set.values.subarray(r * 3, r * 3 + 3)]));
    // random() = 0 never swaps: the first three rows of each. random() = 0.999 swaps each place with the last.
    close(
      kernelDistance(a, b, 4, 3, () => 0),
      kernelDistance(pickRows(a, [0, 1, 2]), pickRows(b, [0, 1, 2])),
      1e-12,
    );
    close(
      kernelDistance(a, b, 4, 3, () => 0.999),
      kernelDistance(pickRows(a, [4, 0, 1]), pickRows(b, [5, 0, 1])),
      1e-12,
    );
    // A whole set stays whole while the other is drawn: still one round per subset of the larger.
    const small = pickRows(b, [0, 1, 2]);
    let turns = 0;
    const everyThird = () => (Math.floor(turns++ / 3) % 2 === 0 ? 0 : 0.999);
    const twoRounds =
      (kernelDistance(small, pickRows(a, [0, 1, 2])) + kernelDistance(small, pickRows(a, [4, 0, 1]))) / 2;
    close(kernelDistance(small, a, 2, 3, everyThird), twoRounds, 1e-12);
    turns = 0;
    close(kernelDistance(a, small, 2, 3, everyThird), twoRounds, 1e-12);
    // Rounds are averaged: alternating draws give the mean of the two subsets' values.
    let calls = 0;
    const alternate = () => (Math.floor(calls++ / 6) % 2 === 0 ? 0 : 0.999);
    close(
      kernelDistance(a, b, 2, 3, alternate),
      (kernelDistance(a, b, 1, 3, () => 0) + kernelDistance(a, b, 1, 3, () => 0.999)) / 2,
      1e-12,
    );
  });

  it('class accuracy: the share of rows whose arg max is the label (the first of equal maxima)', () => {
    const predictions = features([
      [0.1, 0.7, 0.2],
      [0.5, 0.2, 0.3],
      [0.2, 0.2, 0.6],
      [0.4, 0.4, 0.2],
      [0.3, 0.3, 0.4],
    ]);
    assert.equal(labelAccuracy(predictions, [1, 0, 2, 0, 1]), 4 / 5);
    assert.equal(labelAccuracy(predictions, [1, 0, 2, 1, 2]), 4 / 5);
    assert.equal(labelAccuracy(predictions, [0, 1, 0, 2, 0]), 0);
    // Each row on its own: never the next row's numbers, nor the previous one's.
    assert.equal(
      labelAccuracy(
        features([
          [0.6, 0.4],
          [0.9, 0.1],
        ]),
        [0, 0],
      ),
      1,
    );
    assert.equal(
      labelAccuracy(
        features([
          [0.9, 0.05, 0.05],
          [0.1, 0.5, 0.4],
        ]),
        [0, 1],
      ),
      1,
    );
  });

  it('precision and recall: k-NN manifolds (k = 3), by hand in 1-D', () => {
    // Reals 0..4: each ball reaches its 3rd neighbour: radius 3 around 0 and 4, 2 around 1, 2 and 3.
    const real = features([[0], [1], [2], [3], [4]]);
    // Fakes: 1.5 and 6 are inside (6 - 4 = 2 < 3), 8 is not.
    const fake = features([[1.5], [6], [8], [6.5]]);
    const { precision, recall } = precisionRecall(real, fake, 3);
    close(precision, 3 / 4); // 1.5, 6, 6.5 (6.5 - 4 = 2.5 < 3)
    // Fake radii: 1.5 -> 3rd nearest is 8 (6.5); 6 -> 1.5 (4.5); 8 -> 1.5 (6.5); 6.5 -> 1.5 (5). Reals 0..4 all
    // lie within 6.5 of 1.5.
    close(recall, 1);
    // A point exactly on a ball's edge is inside; a manifold of k points or fewer reaches its farthest point.
    close(precisionRecall(real, features([[7], [7.5]]), 3).precision, 1 / 2);
    close(precisionRecall(features([[0], [1], [3]]), features([[-3], [-3.5]]), 3).precision, 1 / 2);
  });
});

const flat = (values: number[], dim: number): Features => ({
  count: values.length / dim,
  dim,
  values: Float64Array.from(values),
});

describe('evaluation metrics, against values computed independently (references.py: numpy, scipy)', () => {
  it("FID of Gaussians whose covariances do not commute, against scipy's sqrtm(S1 S2)", () => {
    for (const { mean1, covariance1, mean2, covariance2, fid } of references.fid) {
      const a = { mean: Float64Array.from(mean1), covariance: Float64Array.from(covariance1) };
      const b = { mean: Float64Array.from(mean2), covariance: Float64Array.from(covariance2) };
      close(frechetDistance(a, b), fid, 1e-9 * Math.max(1, fid));
      close(frechetDistance(b, a), fid, 1e-9 * Math.max(1, fid));
    }
  });

  it('the MNIST score of a spread of predictions: exp of the mean KL, per split, averaged over splits', () => {
    const { probabilities, dim, splits1, splits4 } = references.mnist_score;
    const set = flat(probabilities, dim);
    close(classifierScore(set, 1), splits1, 1e-9);
    close(classifierScore(set, 4), splits4, 1e-9);
    assert.ok(splits1 > 1.5 && splits1 < 9, `${splits1}: a score between collapse and perfection`);
  });

  it('KID with the cubic kernel (x.y / d + 1)^3 in 3, 5 and 8 dimensions', () => {
    for (const { dim, x, y, kid } of references.kid) {
      close(kernelDistance(flat(x, dim), flat(y, dim)), kid, 1e-9 * Math.max(1, Math.abs(kid)));
    }
  });

  it('precision and recall in 4 dimensions', () => {
    const { dim, real, fake, precision, recall } = references.precision_recall;
    const measured = precisionRecall(flat(real, dim), flat(fake, dim), 3);
    close(measured.precision, precision);
    close(measured.recall, recall);
    assert.ok(precision > 0 && precision < 1 && recall > 0 && recall < 1, `${precision} ${recall}`);
  });
});

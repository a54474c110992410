/** Features as rows: `count` vectors of `dim` numbers, row-major, in float64 (covariances need the precision). */
export interface Features {
  readonly count: number;
  readonly dim: number;
  readonly values: Float64Array;
}

export interface Moments {
  readonly mean: Float64Array;
  /** dim x dim, row-major; the unbiased (n - 1) estimate. */
  readonly covariance: Float64Array;
}

export function moments({ count, dim, values }: Features): Moments {
  const mean = new Float64Array(dim);
  for (let n = 0; n < count; n++) for (let i = 0; i < dim; i++) mean[i] += values[n * dim + i] / count;
  const covariance = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (let n = 0; n < count; n++) {
    for (let i = 0; i < dim; i++) centred[i] = values[n * dim + i] - mean[i];
    for (let i = 0; i < dim; i++) {
      const ci = centred[i] / (count - 1);
      for (let j = i; j < dim; j++) covariance[i * dim + j] += ci * centred[j];
    }
  }
  for (let i = 0; i < dim; i++) for (let j = 0; j < i; j++) covariance[i * dim + j] = covariance[j * dim + i];
  return { mean, covariance };
}

/**
 * Eigenvalues and eigenvectors (columns of `vectors`) of a symmetric matrix by cyclic Jacobi rotations: tfjs has
 * no eig or SVD, and Jacobi is simple, stable and accurate to rounding for the sizes here (a few hundred).
 */
export function symmetricEigen(matrix: Float64Array, dim: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) v[i * dim + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    // Stryker disable all: this test only decides when to stop. A later stop (up to the 100 sweeps) rotates a matrix
    // that is already diagonal to rounding, so mutants that stop later give the same eigenpairs; none stops earlier.
    let [off, diagonal] = [0, 0];
    for (let i = 0; i < dim; i++)
      for (let j = 0; j < dim; j++) {
        const x = a[i * dim + j] ** 2;
        if (i === j) diagonal += x;
        else off += x;
      }
    if (off <= 1e-30 * diagonal || off === 0) break;
    // Stryker restore all
    for (let p = 0; p < dim - 1; p++) {
      for (let q = p + 1; q < dim; q++) {
        const apq = a[p * dim + q];
        if (apq === 0) continue;
        // The rotation that zeroes a[p][q] (Golub & Van Loan, Algorithm 8.4.1).
        const theta = (a[q * dim + q] - a[p * dim + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < dim; k++) {
          const [akp, akq] = [a[k * dim + p], a[k * dim + q]];
          a[k * dim + p] = c * akp - s * akq;
          a[k * dim + q] = s * akp + c * akq;
        }
        for (let k = 0; k < dim; k++) {
          const [apk, aqk] = [a[p * dim + k], a[q * dim + k]];
          a[p * dim + k] = c * apk - s * aqk;
          a[q * dim + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < dim; k++) {
          const [vkp, vkq] = [v[k * dim + p], v[k * dim + q]];
          v[k * dim + p] = c * vkp - s * vkq;
          v[k * dim + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Float64Array.from({ length: dim }, (_, i) => a[i * dim + i]), vectors: v };
}

/** The square root of a symmetric positive semi-definite matrix (eigenvalues below 0 from rounding taken as 0). */
export function sqrtSymmetric(matrix: Float64Array, dim: number): Float64Array {
  const { values, vectors } = symmetricEigen(matrix, dim);
  const root = new Float64Array(dim * dim);
  for (let k = 0; k < dim; k++) {
    const s = Math.sqrt(Math.max(values[k], 0));
    if (s === 0) continue;
    for (let i = 0; i < dim; i++) {
      const vik = vectors[i * dim + k] * s;
      for (let j = 0; j < dim; j++) root[i * dim + j] += vik * vectors[j * dim + k];
    }
  }
  return root;
}

export function multiply(a: Float64Array, b: Float64Array, dim: number): Float64Array {
  const out = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++)
    for (let k = 0; k < dim; k++) {
      const aik = a[i * dim + k];
      if (aik !== 0) for (let j = 0; j < dim; j++) out[i * dim + j] += aik * b[k * dim + j];
    }
  return out;
}

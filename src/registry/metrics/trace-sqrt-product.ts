import * as tf from '@tensorflow/tfjs-core';
import { nativeSymmetricEigen, nativeSymmetricEigenvalues64 } from '../../backend/symmetric-eigen.js';

/** Newton–Schulz stops when tr Y moves less than this, relatively, twice running (or after MAX_ITERATIONS). */
const SETTLED = 1e-6;
const MAX_ITERATIONS = 100;

/**
 * tr (S1 S2)^(1/2) for two covariances (dim x dim, float32 on the backend): FID's only term that needs a matrix
 * function. S1 S2 is similar to the symmetric S1^(1/2) S2 S1^(1/2), so its eigenvalues are real and >= 0 and the
 * trace is the sum of their roots. On native TensorFlow by two symmetric eigen-decompositions; elsewhere by the
 * coupled Newton–Schulz iteration, matrix products only.
 */
export function traceSqrtProduct(s1: tf.Tensor2D, s2: tf.Tensor2D): number {
  return bySymmetricEigen(s1, s2) ?? byNewtonSchulz(tf.matMul(s1, s2));
}

/**
 * The same trace when S2 is the covariance of `centred` (n rows, n - 1 <= dim): the n x n symmetric matrix
 * C S1 C^T / (n - 1) has the non-zero eigenvalues of S1 S2 (Mathiasen & Hvilshøj 2020, "Backpropagating through
 * Fréchet Inception Distance"), so one eigen-decomposition of it, values only, does (a few times faster).
 */
export function traceSqrtProductByRows(s1: tf.Tensor2D, centred: tf.Tensor2D): number {
  const gram = tf.tidy(() => {
    const inner = tf.div(tf.matMul(tf.matMul(centred, s1), centred, false, true), centred.shape[0] - 1);
    return tf.div(tf.add(inner, tf.transpose(inner)), 2) as tf.Tensor2D;
  });
  const values = nativeSymmetricEigenvalues64(gram);
  if (!values) return byNewtonSchulz(gram);
  gram.dispose();
  return sumOfRoots(values);
}

function sumOfRoots(data: Float32Array): number {
  let trace = 0;
  for (const value of data) trace += Math.sqrt(Math.max(value, 0));
  return trace;
}

/**
 * S1 = V L V^T; the eigenvalues of L^(1/2) V^T S2 V L^(1/2) are those of S1 S2. In float32 this keeps the small
 * eigenvalues' roots accurate, which an iteration on the product converges to only slowly.
 */
function bySymmetricEigen(s1: tf.Tensor2D, s2: tf.Tensor2D): number | undefined {
  const first = nativeSymmetricEigen(s1, true);
  if (!first?.vectors) return undefined;
  const { values, vectors } = first as { values: tf.Tensor1D; vectors: tf.Tensor2D };
  const whitened = tf.tidy(() => {
    const root = tf.reshape(tf.sqrt(tf.relu(values)), [1, -1]);
    const rotated = tf.matMul(tf.matMul(vectors, s2, true, false), vectors);
    const scaled = tf.mul(tf.mul(rotated, root), tf.transpose(root));
    return tf.div(tf.add(scaled, tf.transpose(scaled)), 2) as tf.Tensor2D; // exactly symmetric for the eigen-solver
  });
  tf.dispose([values, vectors]);
  const second = nativeSymmetricEigenvalues64(whitened) as Float32Array;
  whitened.dispose();
  return sumOfRoots(second);
}

/**
 * The coupled Newton–Schulz iteration for the square root (Higham, "Functions of Matrices", 2008, eq. 6.35):
 * Y0 = A / c, Z0 = I, T = (3I - Z Y) / 2, Y <- Y T, Z <- T Z; Y -> (A / c)^(1/2). It converges when the eigenvalues
 * of A / c lie in (0, 1], which c = ||A||_F ensures for A = S1 S2 (real, non-negative eigenvalues). Takes `product`.
 */
function byNewtonSchulz(product: tf.Tensor2D): number {
  const dim = product.shape[0];
  const norm = tf.norm(product);
  const scale = norm.dataSync()[0];
  norm.dispose();
  if (scale === 0) {
    product.dispose();
    return 0;
  }
  const identity = tf.eye(dim);
  let y = tf.div(product, scale) as tf.Tensor2D;
  let z = identity.clone() as tf.Tensor2D;
  product.dispose();
  let [trace, calm] = [Number.NaN, 0];
  for (let iteration = 0; iteration < MAX_ITERATIONS && calm < 2; iteration++) {
    const [nextY, nextZ] = tf.tidy(() => {
      const t = tf.mul(tf.sub(tf.mul(identity, 3), tf.matMul(z, y)), 0.5);
      return [tf.matMul(y, t), tf.matMul(t, z)] as tf.Tensor2D[];
    });
    tf.dispose([y, z]);
    [y, z] = [nextY, nextZ];
    const diagonal = tf.tidy(() => tf.sum(tf.mul(y, identity)));
    const next = diagonal.dataSync()[0];
    diagonal.dispose();
    // tr Y rises to its limit: every root from below. A fall is rounding at the limit, or the start of the
    // divergence a product's eigenvalue rounded below 0 sets off (rank-deficient covariances): stop there.
    if (!(next >= trace) && iteration > 0) break;
    calm = Math.abs(next - trace) <= SETTLED * Math.abs(next) ? calm + 1 : 0;
    trace = next;
  }
  tf.dispose([y, z, identity]);
  return trace * Math.sqrt(scale);
}

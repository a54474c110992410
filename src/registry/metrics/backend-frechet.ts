import * as tf from '@tensorflow/tfjs-core';
import { frechetDistance } from './formulas.js';
import { type Features, type Moments, moments } from './moments.js';
import { traceSqrtProduct, traceSqrtProductByRows } from './trace-sqrt-product.js';

/**
 * Features up to this wide are measured in float64 in JavaScript (the checked path: Jacobi, exact to rounding);
 * wider ones (an ImageNet network's 2048) on the backend, where the products take seconds rather than minutes.
 */
export const FLOAT64_MAX_DIM = 256;

/** The moments FID compares: in float64 for narrow features, the covariance on the backend for wide ones. */
export function featureMoments(features: Features): Moments {
  return features.dim <= FLOAT64_MAX_DIM ? moments(features) : backendMoments(features);
}

/** Fréchet distance (Heusel et al. 2017, eq. 6) by the path that suits the features' width (see above). */
export function frechetOf(a: Moments, b: Moments, bRows?: Features): number {
  return a.mean.length <= FLOAT64_MAX_DIM ? frechetDistance(a, b) : backendFrechetDistance(a, b, bRows);
}

/**
 * Mean (float64) and unbiased covariance (one float32 matMul of the centred rows): the rows are centred in float64
 * first, so that float32 sums small deviations rather than large values that cancel.
 */
export function backendMoments({ count, dim, values }: Features): Moments {
  const mean = new Float64Array(dim);
  for (let n = 0; n < count; n++) for (let i = 0; i < dim; i++) mean[i] += values[n * dim + i];
  for (let i = 0; i < dim; i++) mean[i] /= count;
  const covariance = tf.tidy(() => {
    const rows = tf.tensor2d(centre({ count, dim, values }, mean), [count, dim]);
    return tf.div(tf.matMul(rows, rows, true, false), count - 1);
  });
  const out = Float64Array.from(covariance.dataSync());
  covariance.dispose();
  // The diagonal (the traces FID adds) in float64, exactly as the checked path has it.
  for (let i = 0; i < dim; i++) {
    let sum = 0;
    for (let n = 0; n < count; n++) sum += (values[n * dim + i] - mean[i]) ** 2;
    out[i * dim + i] = sum / (count - 1);
  }
  return { mean, covariance: out };
}

/**
 * ||mu1 - mu2||^2 + tr S1 + tr S2 - 2 tr (S1 S2)^(1/2): the first three in float64, the root's trace on the backend
 * (trace-sqrt-product.ts), in float32, which is within 1e-3 of the float64 value on realistic features (tested).
 * `bRows`, the rows `b` was computed from: when they are fewer than the dimensions, the root's trace is taken
 * through them (an n x n problem rather than dim x dim).
 */
export function backendFrechetDistance(a: Moments, b: Moments, bRows?: Features): number {
  const dim = a.mean.length;
  let distance = 0;
  for (let i = 0; i < dim; i++)
    distance += (a.mean[i] - b.mean[i]) ** 2 + a.covariance[i * dim + i] + b.covariance[i * dim + i];
  const s1 = tf.tensor2d(Float32Array.from(a.covariance), [dim, dim]);
  const second =
    bRows && bRows.count <= dim
      ? tf.tensor2d(centre(bRows, b.mean), [bRows.count, dim])
      : tf.tensor2d(Float32Array.from(b.covariance), [dim, dim]);
  try {
    const root = second.shape[0] === dim ? traceSqrtProduct(s1, second) : traceSqrtProductByRows(s1, second);
    return Math.max(distance - 2 * root, 0);
  } finally {
    tf.dispose([s1, second]);
  }
}

/** The rows less their mean, in float32 (the subtraction in float64). */
function centre({ count, dim, values }: Features, mean: Float64Array): Float32Array {
  const centred = new Float32Array(count * dim);
  for (let n = 0; n < count; n++) for (let i = 0; i < dim; i++) centred[n * dim + i] = values[n * dim + i] - mean[i];
  return centred;
}

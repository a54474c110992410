import * as tf from '@tensorflow/tfjs-core';
import type { Loss } from './loss.js';

/**
 * One row of Table 2 of Nowozin, Cseke, Tomioka (2016): the divergence D_f(P||Q) = E_Q[f(p/q)], the output
 * activation g_f that maps a raw score v into the domain of the conjugate f*, and f*(g_f(v)) in a form that stays
 * finite (softplus and exp of v, never log of a difference).
 */
export interface Divergence {
  f(u: number): number;
  /** T* = f'(p/q) is the optimal critic, where the variational bound is tight. */
  fPrime(u: number): number;
  activation(v: tf.Tensor): tf.Tensor;
  conjugateOfActivation(v: tf.Tensor): tf.Tensor;
}

const LOG2 = Math.log(2);

export const divergences = {
  kl: {
    f: (u) => u * Math.log(u),
    fPrime: (u) => 1 + Math.log(u),
    activation: (v) => v,
    conjugateOfActivation: (v) => tf.exp(tf.sub(v, 1)),
  },
  'reverse-kl': {
    f: (u) => -Math.log(u),
    fPrime: (u) => -1 / u,
    activation: (v) => tf.neg(tf.exp(tf.neg(v))),
    conjugateOfActivation: (v) => tf.sub(v, 1), // -1 - log(exp(-v))
  },
  pearson: {
    f: (u) => (u - 1) ** 2,
    fPrime: (u) => 2 * (u - 1),
    activation: (v) => v,
    conjugateOfActivation: (v) => tf.add(tf.div(tf.square(v), 4), v),
  },
  neyman: {
    f: (u) => (1 - u) ** 2 / u,
    fPrime: (u) => 1 - 1 / u ** 2,
    activation: (v) => tf.sub(1, tf.exp(tf.neg(v))),
    conjugateOfActivation: (v) => tf.sub(2, tf.mul(2, tf.exp(tf.div(v, -2)))), // 2 - 2 sqrt(exp(-v))
  },
  'squared-hellinger': {
    f: (u) => (Math.sqrt(u) - 1) ** 2,
    fPrime: (u) => 1 - 1 / Math.sqrt(u),
    activation: (v) => tf.sub(1, tf.exp(tf.neg(v))),
    conjugateOfActivation: (v) => tf.sub(tf.exp(v), 1), // t / (1 - t) with 1 - t = exp(-v)
  },
  'jensen-shannon': {
    f: (u) => -(u + 1) * Math.log((1 + u) / 2) + u * Math.log(u),
    fPrime: (u) => Math.log((2 * u) / (1 + u)),
    activation: (v) => tf.sub(LOG2, tf.softplus(tf.neg(v))),
    conjugateOfActivation: (v) => tf.sub(tf.softplus(v), LOG2), // -log(2 - exp(t))
  },
  gan: {
    f: (u) => u * Math.log(u) - (u + 1) * Math.log(u + 1),
    fPrime: (u) => Math.log(u / (u + 1)),
    activation: (v) => tf.neg(tf.softplus(tf.neg(v))),
    conjugateOfActivation: (v) => tf.softplus(v), // -log(1 - exp(t)) with exp(t) = sigmoid(v)
  },
} satisfies Record<string, Divergence>;

export type DivergenceName = keyof typeof divergences;

/**
 * f-GAN, eq. (6): D maximises the variational lower bound E_P[g_f(v)] - E_Q[f*(g_f(v))] of D_f(P||Q);
 * G maximises E_Q[g_f(v_fake)], the paper's practical generator step (Section 3.2).
 */
export type FganOptions = { divergence: DivergenceName };

export const fgan: Loss<FganOptions> = {
  name: 'fgan',
  summary: 'f-GAN (Nowozin 2016) with one of seven f-divergences',
  options: {
    properties: {
      divergence: {
        enum: Object.keys(divergences),
        default: 'jensen-shannon',
        description: 'The f-divergence of Table 2 of the paper',
      },
    },
  },
  create(options) {
    const divergence: Divergence = divergences[options.divergence];
    return {
      discriminator: ({ real, fake }) =>
        tf.tidy(() => tf.sub(tf.mean(divergence.conjugateOfActivation(fake)), tf.mean(divergence.activation(real)))),
      generator: ({ fake }) => tf.tidy(() => tf.neg(tf.mean(divergence.activation(fake)))),
    };
  },
};

import type * as tf from '@tensorflow/tfjs-core';
import type { LossConfig } from '../../config/experiment.js';
import { createRegistry, type RegistryEntry } from '../registry.js';
import { fgan } from './fgan.js';
import { hinge } from './hinge.js';
import { lsgan } from './lsgan.js';
import { standard } from './standard.js';
import { wgan } from './wgan.js';
import { wganGp } from './wgan-gp.js';

/**
 * An adversarial loss on the discriminator's raw scores (logits, no activation), both sides minimised.
 * What a loss needs beyond the two formulas (clipping, a gradient penalty, a critic schedule) it declares here,
 * and the trainer does it.
 */
export interface AdversarialLoss {
  /** D's loss, a scalar. */
  discriminator(realScores: tf.Tensor, fakeScores: tf.Tensor): tf.Tensor;
  /** G's loss, a scalar. */
  generator(fakeScores: tf.Tensor): tf.Tensor;
  /** Clip every critic weight to [-clip, clip] after each critic step (WGAN). */
  clip?: number;
  /** Weight of the gradient penalty on interpolates (WGAN-GP). */
  penaltyWeight?: number;
  /** Critic steps before generator step `step` (0-based), where the loss overrides train.n_critic. */
  criticSteps?(step: number, nCritic: number): number;
  /** The critic's scores estimate a Wasserstein distance, logged as mean real - mean fake. */
  estimatesWasserstein?: boolean;
}

export interface Loss extends RegistryEntry {
  create(options: LossConfig): AdversarialLoss;
}

export const losses = createRegistry<Loss>('loss', [standard, wgan, wganGp, lsgan, hinge, fgan]);

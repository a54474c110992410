import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { GanModels } from '../registry/architectures/architecture.js';
import type { AdversarialLoss } from '../registry/losses/loss.js';
import type { CriticRegulariser } from '../registry/regularisers/regulariser.js';
import type { Critic } from './critic.js';

/** Everything one training step needs besides the data. */
export interface Gan extends GanModels {
  loss: AdversarialLoss;
  /** The loss's critic terms (clipping, penalties), folded over in every D step. */
  regularisers: readonly CriticRegulariser[];
  /** Critic steps before generator step `step` (0-based): train.n_critic unless the loss has a schedule. */
  criticSteps(step: number): number;
  /** The AC-GAN class term, when the loss has it; `probabilityClip` as Keras 1's cross-entropy (0: none). */
  auxiliary?: { weight: number; fakesInDStep: boolean; probabilityClip: number };
  /**
   * What D's terms on a real and a fake batch of equal size are multiplied by: 1 for the sum of their means, 1/2
   * for one mean over both (Keras' train_on_batch on the stacked batch, as the seed logs it).
   */
  dTermScale: number;
  optimizers: { generator: tf.Optimizer; discriminator: tf.Optimizer };
  /** A moving average of G's weights (train.ema), updated after every G step; what is sampled when present. */
  average?: { generator: tfl.LayersModel; decay: number };
  /** D on a batch: the one way any step, regulariser or test row calls it (see critic.ts). */
  critic: Critic;
}

/** The generator to draw samples from: the moving average of G's weights when the experiment keeps one. */
export function sampler(gan: Pick<Gan, 'generator' | 'average'>): tfl.LayersModel {
  return gan.average?.generator ?? gan.generator;
}

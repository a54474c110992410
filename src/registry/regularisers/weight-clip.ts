import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Regulariser } from './regulariser.js';

export type WeightClipOptions = { clip: number };

/** WGAN's Lipschitz constraint (Arjovsky et al. 2017, Algorithm 1, line 7): every critic weight into [-c, c]. */
export const weightClip: Regulariser<WeightClipOptions> = {
  name: 'weight-clip',
  summary: 'Clip every critic weight to [-clip, clip] after each critic step (WGAN, Arjovsky 2017)',
  options: {
    properties: {
      clip: {
        type: 'number',
        exclusiveMinimum: 0,
        default: 0.01,
        description: 'Every critic weight is clipped to [-clip, clip] after each critic step',
      },
    },
  },
  create: ({ clip }) => ({ afterCriticStep: (discriminator) => clipWeights(discriminator, clip) }),
};

export function clipWeights(model: tfl.LayersModel, c: number): void {
  // The variables keep the clipped values; tidy frees the tensors they were written from.
  tf.tidy(() => {
    for (const weight of model.trainableWeights) weight.write(tf.clipByValue(weight.read(), -c, c));
  });
}

import { createRandom, deriveSeed } from '../../random.js';

/** Where training stands: enough, with the weights and optimizer moments, to continue exactly. */
export interface TrainingState {
  /** Generator steps done. */
  step: number;
  /** The epoch under way (0-based) and the next batch of it. */
  epoch: number;
  batch: number;
  /** The generator of noise, classes and interpolation weights (see random.ts). */
  random: number[];
  /** D forward passes so far: each gets its own dropout seed. */
  dropoutCalls: number;
}

/** Where a new run starts: nothing done, the random stream seeded from the experiment's seed. */
export function initialState(seed: number): TrainingState {
  return { step: 0, epoch: 0, batch: 0, random: createRandom(deriveSeed(seed, 'train')).state(), dropoutCalls: 0 };
}

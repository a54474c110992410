import type * as tfl from '@tensorflow/tfjs-layers';
import { deriveSeed } from '../random.js';

/**
 * tfjs draws dropout masks from Math.random unless a layer has a seed, and then the same mask every call. So
 * before each forward pass every dropout layer gets a seed derived from the run's seed and a call counter: masks
 * differ call to call and repeat run to run (and across a resume, the counter being checkpointed).
 */
export function reseedDropout(model: tfl.LayersModel, seed: number, call: number): void {
  model.layers.forEach((layer, index) => {
    if (layer.getClassName() === 'Dropout')
      (layer as unknown as { seed: number }).seed = deriveSeed(seed, 'dropout', call, index);
  });
}

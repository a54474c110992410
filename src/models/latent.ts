import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from '../config/experiment.js';
import type { Random } from '../random.js';

/** What G takes: noise z, and the class labels it is asked for when the model is conditional. */
export interface LatentBatch {
  z: tf.Tensor2D;
  labels?: tf.Tensor2D;
}

/** Draws z (U[-1, 1] as in the seed, or N(0, 1)) and, for conditional models, uniform class labels. */
export function sampleLatent(model: ModelConfig, count: number, random: Random, labels?: number[]): LatentBatch {
  const z = new Float32Array(count * model.latent_size);
  for (let i = 0; i < z.length; i++)
    z[i] = model.latent_distribution === 'uniform' ? 2 * random.next() - 1 : random.normal();
  const batch: LatentBatch = { z: tf.tensor2d(z, [count, model.latent_size]) };
  if (model.num_classes > 0) {
    const classes = labels ?? Array.from({ length: count }, () => random.int(model.num_classes));
    batch.labels = tf.tensor2d(classes, [count, 1], 'int32');
  }
  return batch;
}

export function generatorInputs(latent: LatentBatch): tf.Tensor[] {
  return latent.labels ? [latent.z, latent.labels] : [latent.z];
}

export function disposeLatent(latent: LatentBatch): void {
  tf.dispose([latent.z, ...(latent.labels ? [latent.labels] : [])]);
}

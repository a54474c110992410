import * as tfl from '@tensorflow/tfjs-layers';
import { GxError } from '../../errors.js';
import { deriveSeed } from '../../random.js';
import type { ModelConfig } from './architecture.js';
import { spectral, spectralNormOf } from './spectral-norm.js';

export type Initializer = ReturnType<typeof tfl.initializers.glorotNormal>;

/** Initialisers with a fresh seed each call, all derived from the run's seed: weights repeat run to run. */
export function seededInitializers(seed: number) {
  let count = 0;
  const next = () => deriveSeed(seed, 'init', count++);
  return {
    glorotNormal: () => tfl.initializers.glorotNormal({ seed: next() }),
    glorotUniform: () => tfl.initializers.glorotUniform({ seed: next() }),
    dcgan: () => tfl.initializers.randomNormal({ mean: 0, stddev: 0.02, seed: next() }),
    /**
     * Keras 1's glorot_normal: a plain normal with Glorot's deviation sqrt(2 / (fan_in + fan_out)). tfjs's
     * glorotNormal truncates at 2 sigma without rescaling, so its weights spread only 0.88 as much.
     */
    plainGlorotNormal: (fanIn: number, fanOut: number) =>
      tfl.initializers.randomNormal({ mean: 0, stddev: Math.sqrt(2 / (fanIn + fanOut)), seed: next() }),
  };
}

/**
 * G's inputs and the vector its first layer sees: z alone; as in the seed, z multiplied element-wise by a learned
 * embedding of the class (Keras mnist_acgan.py: Embedding(10, latent) then merge mode 'mul'); or z beside the
 * class as a one-hot vector (Mirza and Osindero 2014). Multiplying lets G silence parts of z per class, which can
 * cost diversity within a class; concatenating keeps all of z.
 */
export function latentInputs(model: ModelConfig, embeddingsInitializer: Initializer) {
  const z = tfl.input({ shape: [model.latent_size], name: 'z' });
  if (model.num_classes === 0) return { inputs: [z], latent: z };
  const label = tfl.input({ shape: [1], name: 'label', dtype: 'int32' });
  const classes = model.num_classes;
  const embedded =
    model.g_conditioning === 'concatenate'
      ? tfl.layers.embedding({
          inputDim: classes,
          outputDim: classes,
          embeddingsInitializer: 'identity',
          trainable: false,
        })
      : tfl.layers.embedding({ inputDim: classes, outputDim: model.latent_size, embeddingsInitializer });
  const flat = tfl.layers.flatten().apply(embedded.apply(label)) as tfl.SymbolicTensor;
  const merge = model.g_conditioning === 'concatenate' ? tfl.layers.concatenate() : tfl.layers.multiply();
  return { inputs: [z, label], latent: merge.apply([z, flat]) as tfl.SymbolicTensor };
}

/**
 * D's heads on its features phi(x): a raw score psi(phi(x)); raw class logits beside it when the loss has the
 * auxiliary term (AC-GAN); or, with model.d_conditioning projection, the score plus embed(y) . phi(x) (Miyato and
 * Koyama 2018, eq. 3), which makes the class y a second input of D.
 */
export function discriminatorHeads(
  features: tfl.SymbolicTensor,
  model: ModelConfig,
  classHead: boolean,
  kernelInitializer: () => Initializer,
): { inputs: tfl.SymbolicTensor[]; outputs: tfl.SymbolicTensor[] } {
  const numClasses = model.num_classes;
  const normalised = spectralNormOf(model).d;
  const dense = (units: number, name: string) =>
    spectral(tfl.layers.dense({ units, kernelInitializer: kernelInitializer(), name }), normalised, kernelInitializer);
  const score = apply(dense(1, 'score'), features);
  const projection = model.d_conditioning === 'projection';
  if (!classHead && !projection) return { inputs: [], outputs: [score] };
  if (numClasses < 2) {
    const [what, fix] = projection
      ? ['model.d_conditioning projection', 'set model.d_conditioning to none']
      : ['loss.auxiliary', 'remove loss.auxiliary'];
    throw new GxError(
      'CONFIG_CONFLICT',
      `${what} needs a conditional model, but model.num_classes is ${numClasses}`,
      `set model.num_classes to the number of classes, or ${fix}`,
    );
  }
  if (projection) {
    const label = tfl.input({ shape: [1], name: 'label', dtype: 'int32' });
    const width = features.shape[1] as number;
    const embedding = tfl.layers.embedding({
      inputDim: numClasses,
      outputDim: width,
      embeddingsInitializer: kernelInitializer(),
      name: 'class_embedding',
    });
    const embedded = apply(tfl.layers.flatten(), apply(embedding, label));
    const agreement = tfl.layers.dot({ axes: 1, name: 'projection' }).apply([embedded, features]);
    const projected = tfl.layers.add({ name: 'projected_score' }).apply([score, agreement as tfl.SymbolicTensor]);
    return { inputs: [label], outputs: [projected as tfl.SymbolicTensor] };
  }
  return { inputs: [], outputs: [score, apply(dense(numClasses, 'class_logits'), features)] };
}

export function apply(layer: tfl.layers.Layer, input: tfl.SymbolicTensor): tfl.SymbolicTensor {
  return layer.apply(input) as tfl.SymbolicTensor;
}

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type Initializer = ReturnType<typeof tfl.initializers.randomNormal>;
type KernelLayer = tfl.layers.Layer & { kernel?: tfl.LayerVariable };
type Shape = (number | null)[];

/** tfjs has no stop_gradient: the same values, no gradient back. */
const stopGradient = tf.customGrad(((x: tf.Tensor) => ({
  value: tf.clone(x),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as unknown as Parameters<typeof tf.customGrad>[0]);

/** The layer inside a SpectralNorm wrapper, and how u starts. */
export interface SpectralNormArgs {
  layer: tfl.layers.Layer;
  uInitializer?: Initializer;
  name?: string;
}

/**
 * Spectral normalisation (Miyato et al. 2018, Algorithm 1): the wrapped layer runs with its kernel W divided by
 * sigma(W), W's largest singular value, estimated by power iteration on W as an (inputs x outputs) matrix. Each
 * training-mode call runs one iteration, v = normalise(u W^T), u = normalise(v W), and keeps u for the next; sigma =
 * v W u^T, its gradient through W only (u and v are constants, as in the paper). Inference uses the kept u without
 * moving it. u is a non-trainable weight of the layer: it is in the checkpoint, so a resumed run goes on exactly.
 */
export class SpectralNorm extends tfl.layers.Layer {
  static readonly className = 'SpectralNorm';
  readonly layer: KernelLayer;
  private readonly uInitializer: Initializer;
  private u?: tfl.LayerVariable;

  constructor({ layer, uInitializer, name }: SpectralNormArgs) {
    super({ name: name ?? `${layer.name}_sn` });
    this.layer = layer;
    this.uInitializer = uInitializer ?? tfl.initializers.randomNormal({ seed: 1 });
  }

  override build(inputShape: Shape | Shape[]): void {
    if (!this.layer.built) {
      this.layer.build(inputShape);
      this.layer.built = true;
    }
    const kernel = this.layer.kernel;
    if (!kernel) throw new Error(`SpectralNorm wraps a layer with a kernel; ${this.layer.getClassName()} has none`);
    const outputs = kernel.shape[kernel.shape.length - 1];
    this.u = this.addWeight('u', [1, outputs], 'float32', this.uInitializer, undefined, false);
    this.built = true;
  }

  override get trainableWeights(): tfl.LayerVariable[] {
    return this.layer.trainableWeights;
  }

  override get nonTrainableWeights(): tfl.LayerVariable[] {
    return [...this.layer.nonTrainableWeights, ...super.nonTrainableWeights];
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return this.layer.computeOutputShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    return tf.tidy(() => {
      const kernel = this.layer.kernel as tfl.LayerVariable;
      const weight = kernel.read();
      const training = kwargs.training === true;
      const { sigma, u } = spectralNormEstimate(weight, (this.u as tfl.LayerVariable).read(), training);
      // The variable keeps u's values; tidy frees the tensor it was written from.
      if (training) (this.u as tfl.LayerVariable).write(u);
      const normalised = tf.div(weight, sigma);
      // The wrapped layer reads its kernel through kernel.read(): for this call it reads W / sigma.
      const read = kernel.read;
      kernel.read = () => normalised as tf.Variable;
      try {
        return this.layer.call(inputs, kwargs);
      } finally {
        kernel.read = read;
      }
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), layer: { className: this.layer.getClassName(), config: this.layer.getConfig() } };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    _cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const { className, config: layerConfig } = config.layer as {
      className: string;
      config: tf.serialization.ConfigDict;
    };
    const [Layer, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap[className];
    const layer = fromConfig(Layer, layerConfig) as unknown as tfl.layers.Layer;
    return new SpectralNorm({ layer, name: config.name as string }) as unknown as T;
  }
}
tf.serialization.registerClass(SpectralNorm);

/**
 * sigma(W) for a kernel of any rank (the last axis its outputs), from u ([1, outputs]): with `iterate`, one power
 * iteration first, and the u it reached. u and v carry no gradient.
 */
export function spectralNormEstimate(
  kernel: tf.Tensor,
  u: tf.Tensor,
  iterate: boolean,
): { sigma: tf.Scalar; u: tf.Tensor } {
  const outputs = kernel.shape[kernel.shape.length - 1];
  const matrix = tf.reshape(kernel, [-1, outputs]);
  const fixed = stopGradient(matrix) as tf.Tensor2D;
  const normalise = (x: tf.Tensor) => tf.div(x, tf.add(tf.norm(x), 1e-12));
  let next = u as tf.Tensor2D;
  const v = normalise(tf.matMul(next, fixed, false, true)) as tf.Tensor2D;
  if (iterate) next = normalise(tf.matMul(v, fixed)) as tf.Tensor2D;
  const sigma = tf.reshape(tf.matMul(tf.matMul(v, matrix), next, false, true), []) as tf.Scalar;
  return { sigma, u: next };
}

/** `layer` spectrally normalised when `on` (u drawn by a fresh initialiser), else `layer` itself. */
export function spectral(layer: tfl.layers.Layer, on: boolean, uInitializer: () => Initializer): tfl.layers.Layer {
  return on ? new SpectralNorm({ layer, uInitializer: uInitializer() }) : layer;
}

/** Which nets model.spectral_norm normalises. */
export function spectralNormOf(model: { spectral_norm?: 'd' | 'g' | 'both' | 'none' }): { g: boolean; d: boolean } {
  const choice = model.spectral_norm ?? 'none';
  return { g: choice === 'g' || choice === 'both', d: choice === 'd' || choice === 'both' };
}

import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Batch } from '../data/batches.js';
import type { GanModels } from '../registry/architectures/index.js';
import type { AdversarialLoss } from '../registry/losses/index.js';
import { generatorInputs, type LatentBatch } from './latent.js';

/** Everything one training step needs besides the data. */
export interface Gan extends GanModels {
  loss: AdversarialLoss;
  /** The AC-GAN class term, when the loss has it. */
  auxiliary?: { weight: number; fakesInDStep: boolean };
  optimizers: { generator: tf.Optimizer; discriminator: tf.Optimizer };
  /** Gives D's dropout layers fresh seeds derived from the run's seed, so every mask repeats run to run. */
  reseedDropout(): void;
}

/** Scalars a step reports, by metric name; read once per step. */
export type StepMetrics = Record<string, number>;

/**
 * One critic update: D's loss on a real batch and on G's fakes (plus the class term and the gradient penalty when
 * the loss asks), its gradient applied by D's optimizer, then weight clipping when the loss asks.
 * `penaltyMix` holds e ~ U[0, 1] per sample for the WGAN-GP interpolates.
 */
export function discriminatorStep(gan: Gan, real: Batch, latent: LatentBatch, penaltyMix?: Float32Array): StepMetrics {
  const metrics = new MetricRecorder();
  tf.tidy(() => {
    const fake = gan.generator.apply(generatorInputs(latent), { training: true }) as tf.Tensor;
    const { grads } = tf.variableGrads(() => {
      const realOut = scores(gan, real.images);
      const fakeOut = scores(gan, fake);
      let loss = metrics.add('d_loss_adv', gan.loss.discriminator(realOut.score, fakeOut.score));
      metrics.add('d_real', tf.mean(realOut.score));
      metrics.add('d_fake', tf.mean(fakeOut.score));
      if (gan.auxiliary && realOut.logits && fakeOut.logits && latent.labels) {
        let classTerm = classLoss(realOut.logits, real.labels);
        metrics.add('d_class_accuracy_real', classAccuracy(realOut.logits, real.labels));
        metrics.add('d_class_accuracy_fake', classAccuracy(fakeOut.logits, latent.labels));
        // Odena et al.: D maximises L_C on real and fake images alike; later Keras versions count reals only.
        if (gan.auxiliary.fakesInDStep) classTerm = tf.add(classTerm, classLoss(fakeOut.logits, latent.labels));
        loss = tf.add(loss, tf.mul(gan.auxiliary.weight, metrics.add('d_loss_class', classTerm)));
      }
      if (gan.loss.penaltyWeight !== undefined && penaltyMix) {
        const penalty = gradientPenalty(gan, real.images, fake, penaltyMix);
        loss = tf.add(loss, tf.mul(gan.loss.penaltyWeight, metrics.add('d_gradient_penalty', penalty)));
      }
      return metrics.add('d_loss', loss) as tf.Scalar;
    }, trainableVariables(gan.discriminator));
    gan.optimizers.discriminator.applyGradients(grads);
    tf.dispose(Object.values(grads)); // the loss itself is a recorded metric
    if (gan.loss.clip !== undefined) clipWeights(gan.discriminator, gan.loss.clip);
  });
  return metrics.read();
}

/** One generator update on fresh (z, class) pairs: G's adversarial loss on D's scores, plus the class term. */
export function generatorStep(gan: Gan, latent: LatentBatch): StepMetrics {
  const metrics = new MetricRecorder();
  tf.tidy(() => {
    const { grads } = tf.variableGrads(() => {
      const fake = gan.generator.apply(generatorInputs(latent), { training: true }) as tf.Tensor;
      const out = scores(gan, fake);
      let loss = metrics.add('g_loss_adv', gan.loss.generator(out.score));
      if (gan.auxiliary && out.logits && latent.labels) {
        const classTerm = metrics.add('g_loss_class', classLoss(out.logits, latent.labels));
        loss = tf.add(loss, tf.mul(gan.auxiliary.weight, classTerm));
      }
      return metrics.add('g_loss', loss) as tf.Scalar;
    }, trainableVariables(gan.generator));
    gan.optimizers.generator.applyGradients(grads);
    tf.dispose(Object.values(grads)); // the loss itself is a recorded metric
  });
  return metrics.read();
}

/**
 * Gulrajani et al. (2017), Algorithm 1, line 7: (||grad_x_hat D(x_hat)||_2 - 1)^2 averaged over the batch, on
 * x_hat = e x + (1 - e) x_fake. Its gradient with respect to D's weights is a second-order gradient.
 */
export function gradientPenalty(gan: Gan, real: tf.Tensor, fake: tf.Tensor, mix: Float32Array): tf.Tensor {
  return tf.tidy(() => {
    const e = tf.tensor(mix, [mix.length, ...real.shape.slice(1).map(() => 1)]);
    const interpolates = tf.add(tf.mul(e, real), tf.mul(tf.sub(1, e), fake));
    const gradient = tf.grad((x: tf.Tensor) => tf.sum(scores(gan, x).score))(interpolates);
    const axes = gradient.shape.slice(1).map((_, i) => i + 1);
    // The small constant keeps sqrt differentiable where a gradient vanishes.
    const norms = tf.sqrt(tf.add(tf.sum(tf.square(gradient), axes), 1e-12));
    return tf.mean(tf.square(tf.sub(norms, 1)));
  });
}

/** WGAN's Lipschitz constraint (Arjovsky et al. 2017, Algorithm 1, line 7): every critic weight into [-c, c]. */
export function clipWeights(model: tfl.LayersModel, c: number): void {
  for (const weight of model.trainableWeights) {
    weight.write(tf.tidy(() => tf.clipByValue(weight.read(), -c, c)));
  }
}

function scores(gan: Gan, images: tf.Tensor): { score: tf.Tensor1D; logits?: tf.Tensor } {
  gan.reseedDropout();
  const out = gan.discriminator.apply(images, { training: true }) as tf.Tensor | tf.Tensor[];
  const [score, logits] = Array.isArray(out) ? out : [out];
  return { score: tf.reshape(score, [-1]), logits };
}

/** Sparse softmax cross-entropy from raw logits, averaged over the batch. */
export function classLoss(logits: tf.Tensor, labels: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const oneHot = tf.oneHot(tf.reshape(tf.cast(labels, 'int32'), [-1]) as tf.Tensor1D, logits.shape[1] as number);
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), -1)));
  });
}

function classAccuracy(logits: tf.Tensor, labels: tf.Tensor): tf.Tensor {
  return tf.tidy(() =>
    tf.mean(tf.cast(tf.equal(tf.argMax(logits, -1), tf.reshape(tf.cast(labels, 'int32'), [-1])), 'float32')),
  );
}

function trainableVariables(model: tfl.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((weight) => weight.read() as tf.Variable);
}

/**
 * Scalars recorded inside a gradient tape, kept past its scopes and read in one go: one device-to-host
 * transfer per step, not one per metric.
 */
class MetricRecorder {
  private readonly scalars: Record<string, tf.Tensor> = {};

  add(name: string, value: tf.Tensor): tf.Tensor {
    this.scalars[name] = tf.keep(value);
    return value;
  }

  read(): StepMetrics {
    const names = Object.keys(this.scalars);
    const tensors = Object.values(this.scalars);
    const stacked = tf.tidy(() => tf.stack(tensors.map((t) => tf.reshape(t, []))));
    const values = stacked.dataSync();
    tf.dispose([stacked, ...tensors]);
    return Object.fromEntries(names.map((name, i) => [name, values[i]]));
  }
}

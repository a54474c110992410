import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Batch } from '../../data/batches.js';
import type { CriticOutput } from '../../models/critic.js';
import type { Gan } from '../../models/gan.js';
import { generatorInputs, type LatentBatch } from '../../models/latent.js';
import type { Random } from '../../random.js';
import { softmaxCrossEntropy } from '../../registry/losses/cross-entropy.js';
import type { Scores } from '../../registry/losses/loss.js';

/** Scalars a step reports, by metric name; read once per step. */
export type StepMetrics = Record<string, number>;

/**
 * One critic update: D's loss on a real batch and on G's fakes, plus the class term and each regulariser's
 * weighted penalty; its gradient applied by D's optimizer, then each regulariser's after-step constraint.
 * A regulariser draws its random numbers from `random`, the run's seeded stream; `step` is the generator step under
 * way (0-based), for a lazy penalty's schedule.
 */
export function discriminatorStep(gan: Gan, real: Batch, latent: LatentBatch, random: Random, step = 0): StepMetrics {
  const metrics = new MetricRecorder();
  tf.tidy(() => {
    const fake = gan.generator.apply(generatorInputs(latent), { training: true }) as tf.Tensor;
    const { grads } = tf.variableGrads(() => {
      const realOut = gan.critic(real.images, { labels: real.labels });
      const fakeOut = gan.critic(fake, { labels: latent.labels });
      const terms = discriminatorTerms(gan, realOut, fakeOut, real.labels, latent.labels);
      let loss = metrics.add('d_loss_adv', terms.adversarial);
      metrics.add('d_real', tf.mean(realOut.score));
      metrics.add('d_fake', tf.mean(fakeOut.score));
      if (gan.auxiliary && terms.class && realOut.logits && fakeOut.logits && latent.labels) {
        metrics.add('d_class_accuracy_real', classAccuracy(realOut.logits, real.labels));
        metrics.add('d_class_accuracy_fake', classAccuracy(fakeOut.logits, latent.labels));
        loss = tf.add(loss, tf.mul(gan.auxiliary.weight, metrics.add('d_loss_class', terms.class)));
      }
      // Interpolates and reals are scored as of the real images' classes (a projection D reads them).
      const critic = (images: tf.Tensor) => gan.critic(images, { labels: real.labels }).score;
      const batch = { real: real.images, fake, critic, random, step };
      for (const { penalty } of gan.regularisers) {
        const term = penalty?.term(batch);
        if (penalty && term) loss = tf.add(loss, tf.mul(penalty.weight, metrics.add(penalty.metric, term)));
      }
      return metrics.add('d_loss', loss) as tf.Scalar;
    }, trainableVariables(gan.discriminator));
    gan.optimizers.discriminator.applyGradients(grads);
    tf.dispose(Object.values(grads)); // the loss itself is a recorded metric
    for (const regulariser of gan.regularisers) regulariser.afterCriticStep?.(gan.discriminator);
  });
  return metrics.read();
}

/**
 * One generator update on fresh (z, class) pairs: G's adversarial loss on D's scores, plus the class term.
 * `real` is the last critic batch, scored only if the loss reads real scores (a relativistic loss): an extra D pass
 * would also advance the dropout seeds, and so change the runs of every other loss. `random` is the run's seeded
 * stream, as in the D step, for what draws random numbers on G's side (none does yet).
 */
export function generatorStep(gan: Gan, latent: LatentBatch, real: Batch, _random: Random): StepMetrics {
  const metrics = new MetricRecorder();
  tf.tidy(() => {
    const { grads } = tf.variableGrads(() => {
      const fake = gan.generator.apply(generatorInputs(latent), { training: true }) as tf.Tensor;
      const out = gan.critic(fake, { labels: latent.labels });
      let realScores: tf.Tensor | undefined;
      const both: Scores = {
        fake: out.score,
        get real() {
          realScores ??= gan.critic(real.images, { labels: real.labels }).score;
          return realScores;
        },
      };
      const terms = generatorTerms(gan, both, out.logits, latent.labels);
      let loss = metrics.add('g_loss_adv', terms.adversarial);
      if (gan.auxiliary && terms.class) {
        loss = tf.add(loss, tf.mul(gan.auxiliary.weight, metrics.add('g_loss_class', terms.class)));
      }
      return metrics.add('g_loss', loss) as tf.Scalar;
    }, trainableVariables(gan.generator));
    gan.optimizers.generator.applyGradients(grads);
    tf.dispose(Object.values(grads)); // the loss itself is a recorded metric
  });
  return metrics.read();
}

/**
 * Moves G's moving average towards G: a <- d a + (1 - d) w for every weight, batch-norm statistics included. The
 * decay ramps up as (1 + n) / (10 + n) over the first steps (as TensorFlow's ExponentialMovingAverage does with
 * num_updates), so the average does not carry G's random initial weights for thousands of steps.
 */
export function updateAverage(gan: Gan, step: number): void {
  if (!gan.average) return;
  const { generator: average, decay: target } = gan.average;
  const decay = Math.min(target, (1 + step) / (10 + step));
  const current = gan.generator.getWeights();
  tf.tidy(() => {
    for (const [i, weight] of average.weights.entries()) {
      weight.write(tf.add(tf.mul(weight.read(), decay), tf.mul(current[i], 1 - decay)));
    }
  });
}

/**
 * D's loss terms on a real and a fake batch of equal size: the loss's adversarial term and, with the AC-GAN term,
 * the class term, each times gan.dTermScale (1/2 when averaged over the stacked batch, as Keras does).
 * Odena et al.: D maximises L_C on real and fake images alike; later Keras versions count reals only.
 */
export function discriminatorTerms(
  gan: Gan,
  real: CriticOutput,
  fake: CriticOutput,
  realLabels: tf.Tensor,
  fakeLabels: tf.Tensor | undefined,
): { adversarial: tf.Tensor; class?: tf.Tensor } {
  const adversarial = tf.mul(gan.loss.discriminator({ real: real.score, fake: fake.score }), gan.dTermScale);
  if (!gan.auxiliary || !real.logits || !fake.logits || !fakeLabels) return { adversarial };
  const clip = gan.auxiliary.probabilityClip;
  const realTerm = softmaxCrossEntropy(real.logits, realLabels, clip);
  if (!gan.auxiliary.fakesInDStep) return { adversarial, class: realTerm };
  const fakeTerm = softmaxCrossEntropy(fake.logits, fakeLabels, clip);
  return { adversarial, class: tf.mul(tf.add(realTerm, fakeTerm), gan.dTermScale) };
}

/** G's loss terms on its fakes' scores (and, for a relativistic loss, real scores): adversarial and class. */
export function generatorTerms(
  gan: Gan,
  scores: Scores,
  logits: tf.Tensor | undefined,
  labels: tf.Tensor | undefined,
): { adversarial: tf.Tensor; class?: tf.Tensor } {
  const adversarial = gan.loss.generator(scores);
  if (!gan.auxiliary || !logits || !labels) return { adversarial };
  return { adversarial, class: softmaxCrossEntropy(logits, labels, gan.auxiliary.probabilityClip) };
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

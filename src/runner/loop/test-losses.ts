import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from '../../config/experiment.js';
import { makeBatch } from '../../data/batches.js';
import type { ImageSet } from '../../data/image-set.js';
import type { Gan } from '../../models/gan.js';
import { disposeLatent, generatorInputs, sampleLatent } from '../../models/latent.js';
import type { Random } from '../../random.js';
import type { Scores } from '../../registry/losses/loss.js';
import { discriminatorTerms, generatorTerms, type StepMetrics } from './steps.js';

/** Images scored at once: the seed's D on 500 images fits in memory with room to spare. */
const CHUNK = 500;

/**
 * The seed's test rows (mnist_acgan.py, after each epoch): D's loss on the test images and as many fresh fakes
 * (targets "real" and "fake", classes the true and the drawn ones), and the combined model's (G's loss) on
 * g_batch_multiplier times as many fresh (z, class) pairs with the target "real". Both in inference mode, without
 * dropout, as Keras' evaluate; the terms are the training step's own, so the rows read like the train rows.
 * Returns the same keys as a step's metrics: d_loss, d_loss_adv, d_loss_class, g_loss, g_loss_adv, g_loss_class.
 * `images` measures on the first that many test images only (and as many fakes, g_batch_multiplier times for G).
 */
export function testLosses(
  gan: Gan,
  test: ImageSet,
  model: ModelConfig,
  gMultiplier: number,
  random: Random,
  images = test.count,
): StepMetrics {
  const count = Math.min(images, test.count);
  const order = Uint32Array.from({ length: count }, (_, i) => i);
  const sums = new Map<string, number>();
  const add = (terms: { adversarial: tf.Tensor; class?: tf.Tensor }, side: 'd' | 'g', weight: number) => {
    const adversarial = terms.adversarial.dataSync()[0];
    const classTerm = terms.class?.dataSync()[0];
    const total = adversarial + (classTerm === undefined ? 0 : (gan.auxiliary?.weight ?? 0) * classTerm);
    const values: [string, number | undefined][] = [
      [`${side}_loss`, total],
      [`${side}_loss_adv`, adversarial],
      [`${side}_loss_class`, classTerm],
    ];
    for (const [key, value] of values) if (value !== undefined) sums.set(key, (sums.get(key) ?? 0) + weight * value);
  };
  const realBatch = (start: number, size: number) => makeBatch(test, order.subarray(start), 0, size);

  for (let start = 0; start < count; start += CHUNK) {
    const size = Math.min(CHUNK, count - start);
    const real = realBatch(start, size);
    const latent = sampleLatent(model, size, random);
    tf.tidy(() => {
      const fake = gan.generator.apply(generatorInputs(latent), { training: false }) as tf.Tensor;
      const realOut = gan.critic(real.images, { labels: real.labels, training: false });
      const fakeOut = gan.critic(fake, { labels: latent.labels, training: false });
      add(discriminatorTerms(gan, realOut, fakeOut, real.labels, latent.labels), 'd', size / count);
    });
    tf.dispose([real.images, real.labels]);
    disposeLatent(latent);
  }

  const gCount = count * gMultiplier;
  for (let start = 0; start < gCount; start += CHUNK) {
    const size = Math.min(CHUNK, gCount - start);
    const latent = sampleLatent(model, size, random);
    // A relativistic loss also reads real scores: the test images, in turn.
    const realStart = start % count;
    const real = realBatch(realStart, Math.min(size, count - realStart));
    tf.tidy(() => {
      const fake = gan.generator.apply(generatorInputs(latent), { training: false }) as tf.Tensor;
      const out = gan.critic(fake, { labels: latent.labels, training: false });
      const scores: Scores = {
        fake: out.score,
        get real() {
          return gan.critic(real.images, { labels: real.labels, training: false }).score;
        },
      };
      add(generatorTerms(gan, scores, out.logits, latent.labels), 'g', size / gCount);
    });
    tf.dispose([real.images, real.labels]);
    disposeLatent(latent);
  }
  return Object.fromEntries(sums);
}

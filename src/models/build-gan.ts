import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { SettledExperiment } from '../config/experiment.js';
import { createRandom, deriveSeed, type Random } from '../random.js';
import type { GanModels } from '../registry/architectures/architecture.js';
import { architectures } from '../registry/architectures/index.js';
import { augmentations } from '../registry/augmentations/index.js';
import { losses } from '../registry/losses/index.js';
import { optimizers } from '../registry/optimizers.js';
import type { TypedOptions } from '../registry/registry.js';
import { regularisers } from '../registry/regularisers/index.js';
import { createCritic } from './critic.js';
import { reseedDropout } from './dropout-seeds.js';
import type { Gan } from './gan.js';

/**
 * The registries' parts for an experiment: models, loss and optimizers. Dropout seeds count in
 * `state.dropoutCalls`, so a checkpoint of the state carries them.
 */
export function buildGan(
  experiment: SettledExperiment,
  imageShape: readonly [number, number, number],
  state: { dropoutCalls: number },
): Gan {
  const { model, loss, train, seed } = experiment;
  const adversarial = losses.get(loss.type).create(loss);
  const build = () =>
    architectures.get(model.type).create(model, { imageShape, classHead: loss.auxiliary !== undefined, seed });
  const models = build();
  const augment = augmentationsOf(train.augment ?? []);
  // The training-mode call of D under way: dropout seeds and augmentation draws both derive from it.
  let call = 0;
  return {
    ...models,
    loss: adversarial,
    regularisers: [
      ...(adversarial.regularisers ?? []),
      ...(loss.regularisers ?? []).map((options) => regularisers.get(options.type).create(options)),
    ],
    criticSteps: (step) => adversarial.criticSteps?.(step, train.n_critic) ?? train.n_critic,
    auxiliary: loss.auxiliary && {
      weight: loss.auxiliary.weight,
      fakesInDStep: loss.auxiliary.fakes_in_d_step,
      probabilityClip: loss.auxiliary.probability_clip ?? 0,
    },
    dTermScale: loss.d_average === 'concatenated' ? 0.5 : 1,
    optimizers: {
      generator: optimizers.get(train.optimizer.g.type).create(train.optimizer.g),
      discriminator: optimizers.get(train.optimizer.d.type).create(train.optimizer.d),
    },
    critic: createCritic(
      models.discriminator,
      () => {
        call = state.dropoutCalls++;
        reseedDropout(models.discriminator, seed, call);
      },
      augment && ((images) => augment(images as tf.Tensor4D, createRandom(deriveSeed(seed, 'augment', call)))),
    ),
    average: train.ema > 0 ? { generator: averageOf(models.generator, build), decay: train.ema } : undefined,
  };
}

/**
 * train.augment as one function, or undefined when empty. Each call of D draws from a stream of its own, seeded by
 * the run's seed and the call's number (checkpointed as state.dropoutCalls): runs repeat and resume exactly, and the
 * main stream (noise, classes, penalty mixes) is the same with augmentation on or off.
 */
function augmentationsOf(
  list: readonly TypedOptions[],
): ((images: tf.Tensor4D, random: Random) => tf.Tensor) | undefined {
  if (list.length === 0) return undefined;
  const steps = list.map((options) => augmentations.get(options.type).create(options));
  return (images, random) => steps.reduce((x, step) => step(x, random), images);
}

/** A second G that starts as a copy of `generator` (the same seed builds the same weights). */
function averageOf(generator: tfl.LayersModel, build: () => GanModels): tfl.LayersModel {
  const copy = build();
  copy.discriminator.dispose();
  copy.generator.setWeights(generator.getWeights());
  return copy.generator;
}

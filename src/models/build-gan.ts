import type * as tfl from '@tensorflow/tfjs-layers';
import type { SettledExperiment } from '../config/experiment.js';
import type { GanModels } from '../registry/architectures/architecture.js';
import { architectures } from '../registry/architectures/index.js';
import { losses } from '../registry/losses/index.js';
import { optimizers } from '../registry/optimizers.js';
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
    critic: createCritic(models.discriminator, () => reseedDropout(models.discriminator, seed, state.dropoutCalls++)),
    average: train.ema > 0 ? { generator: averageOf(models.generator, build), decay: train.ema } : undefined,
  };
}

/** A second G that starts as a copy of `generator` (the same seed builds the same weights). */
function averageOf(generator: tfl.LayersModel, build: () => GanModels): tfl.LayersModel {
  const copy = build();
  copy.discriminator.dispose();
  copy.generator.setWeights(generator.getWeights());
  return copy.generator;
}

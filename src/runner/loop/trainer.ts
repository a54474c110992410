import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig, TrainConfig } from '../../config/experiment.js';
import { type Batch, batchesPerEpoch, epochOrder, makeBatch } from '../../data/batches.js';
import type { ImageSet } from '../../data/image-set.js';
import { GxError } from '../../errors.js';
import type { Gan } from '../../models/gan.js';
import { disposeLatent, sampleLatent } from '../../models/latent.js';
import { createRandom } from '../../random.js';
import type { Callback, RunContext } from '../callbacks/callback.js';
import { epochIsOver, startNextEpoch } from './epoch-cursor.js';
import { discriminatorStep, generatorStep, type StepMetrics, updateAverage } from './steps.js';
import type { TrainingState } from './training-state.js';

export interface TrainerSetup {
  gan: Gan;
  data: ImageSet;
  model: ModelConfig;
  train: TrainConfig;
  /** The experiment's seed: data order per epoch derives from it. */
  seed: number;
  /** false: every epoch in the stored order (data.shuffle). */
  shuffle?: boolean;
}

/**
 * Runs the loop between the runStart and runEnd events, moving `context.state` on; `callbacks` are told of every
 * event, in list order (the trainer itself writes nothing), and it stops cleanly between steps when
 * `context.stopRequested()`. A failure anywhere (a step, a callback) is told to every callback's onRunFailed, with
 * whether training stood between two steps, and thrown again.
 */
export async function train(
  setup: TrainerSetup,
  context: RunContext,
  callbacks: readonly Callback[] = [],
): Promise<TrainingState> {
  const { state } = context;
  // Whether training stands between two steps (in a step or epoch event, or done): a state to checkpoint then is a
  // true one.
  let betweenSteps = false;
  const emit = async (event: (callback: Callback) => Promise<void> | undefined) => {
    for (const callback of callbacks) await event(callback);
  };
  const between = async (event: (callback: Callback) => Promise<void> | undefined) => {
    betweenSteps = true;
    await emit(event);
    betweenSteps = false;
  };
  try {
    await emit((callback) => callback.onRunStart?.(context));
    await loop(setup, state, {
      stepEnd(metrics) {
        context.latest.step = metrics;
        return between((callback) => callback.onStepEnd?.(context, metrics));
      },
      epochEnd: (means) => between((callback) => callback.onEpochEnd?.(context, means)),
      shouldStop: context.stopRequested,
    });
    betweenSteps = true;
    await emit((callback) => callback.onRunEnd?.(context));
    return state;
  } catch (error) {
    for (const callback of callbacks) {
      // A callback reports its own failures here (see ../callbacks/best-effort.ts); the first error is what counts.
      await callback.onRunFailed?.(context, { error, betweenSteps }).catch(() => {});
    }
    throw error;
  }
}

/**
 * The loop: per generator step, n_critic discriminator steps on consecutive real batches, then one generator step
 * on g_batch_multiplier x batch_size fresh samples. An epoch ends when too few batches remain for the next
 * generator step, so every checkpoint falls between generator steps. Mutates `state`.
 */
async function loop(
  setup: TrainerSetup,
  state: TrainingState,
  hooks: {
    stepEnd(metrics: StepMetrics): Promise<void>;
    epochEnd(means: StepMetrics): Promise<void>;
    shouldStop?(): boolean;
  },
): Promise<void> {
  const { gan, data, model, train } = setup;
  const batchSize = train.batch_size;
  const perEpoch = batchesPerEpoch(data, batchSize);
  if (perEpoch < 1) {
    throw new GxError(
      'CONFIG_CONFLICT',
      `train.batch_size ${batchSize} is larger than the ${data.count} training images`,
      'lower train.batch_size or raise data.limit',
    );
  }
  const random = createRandom(state.random);
  const maxSteps = train.max_steps ?? Number.POSITIVE_INFINITY;
  let order = epochOrder(data.count, setup.seed, state.epoch, setup.shuffle);
  // Per metric: a lazy penalty (R1 every N steps) is averaged over the steps that computed it.
  let sums: StepMetrics = {};
  let counts: StepMetrics = {};

  const criticSteps = () => gan.criticSteps(state.step);
  const epochOver = () => epochIsOver(state, (step) => gan.criticSteps(step), perEpoch);
  const endEpoch = async () => {
    startNextEpoch(state);
    await hooks.epochEnd(means(sums, counts));
    [sums, counts] = [{}, {}];
    order = epochOrder(data.count, setup.seed, state.epoch, setup.shuffle);
  };

  while (state.epoch < train.epochs && state.step < maxSteps && !hooks.shouldStop?.()) {
    if (criticSteps() > perEpoch) {
      throw new GxError(
        'CONFIG_CONFLICT',
        `${criticSteps()} critic steps need more than the ${perEpoch} batches of an epoch`,
        'lower train.batch_size or n_critic, or use more data',
      );
    }
    if (epochOver()) {
      await endEpoch();
      continue;
    }

    let metrics: StepMetrics = {};
    let real: Batch | undefined;
    for (let k = criticSteps(); k > 0; k--) {
      if (real) tf.dispose([real.images, real.labels]);
      real = makeBatch(data, order, state.batch++, batchSize);
      const latent = sampleLatent(model, batchSize, random);
      metrics = discriminatorStep(gan, real, latent, random, state.step);
      disposeLatent(latent);
    }
    // The G step gets the last critic batch, for a loss that scores G's fakes against real scores.
    const lastReal = real as Batch;
    const latent = sampleLatent(model, batchSize * train.g_batch_multiplier, random);
    Object.assign(metrics, generatorStep(gan, latent, lastReal, random));
    updateAverage(gan, state.step);
    disposeLatent(latent);
    tf.dispose([lastReal.images, lastReal.labels]);
    Object.assign(metrics, gan.loss.stepMetrics?.(metrics));

    state.step += 1;
    state.random = random.state();
    for (const [name, value] of Object.entries(metrics)) {
      sums[name] = (sums[name] ?? 0) + value;
      counts[name] = (counts[name] ?? 0) + 1;
    }
    await hooks.stepEnd(metrics);
    // A step runs without awaiting anything: let signal handlers (Ctrl-C) and pending I/O run between steps.
    await new Promise(setImmediate);
  }
  // A run stopped right after an epoch's last step has finished that epoch; one stopped earlier has not.
  if (state.epoch < train.epochs && epochOver()) await endEpoch();
}

function means(sums: StepMetrics, counts: StepMetrics): StepMetrics {
  return Object.fromEntries(Object.entries(sums).map(([name, sum]) => [name, sum / counts[name]]));
}

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { SettledExperiment } from '../../src/config/experiment.js';
import { loadExperiment } from '../../src/config/load.js';
import { sha256 } from '../../src/core/sha256.js';
import { cacheDir } from '../../src/data/cache-dir.js';
import { firstExamples } from '../../src/data/image-set.js';
import { buildGan } from '../../src/models/build-gan.js';
import { createRandom } from '../../src/random.js';
import { datasets } from '../../src/registry/datasets.js';
import { runContext } from '../../src/runner/callbacks/run-context.js';
import type { StepMetrics } from '../../src/runner/loop/steps.js';
import { testLosses } from '../../src/runner/loop/test-losses.js';
import { train } from '../../src/runner/loop/trainer.js';
import { initialState } from '../../src/runner/loop/training-state.js';
import { describeOnEachBackend } from '../helpers/backends.js';
import { repoRoot } from '../helpers/cli.js';
import { FORMER_QUICKSTART_MODEL, onMnist, tinyExperiment } from '../helpers/experiments.js';

/**
 * Today's 28x28 models, fixed: the initial weights of the shipped experiments and their first steps' losses, to the
 * last bit, on each training backend (whose roundings differ). A change to how the architectures, the steps or the
 * critic are put together that alters a single weight, random draw or operation order fails here.
 */

const mnist = await datasets.get('mnist').load({ type: 'mnist' }, 'train', { cacheDir: cacheDir(), download: false });

/** The SHA-256 of every weight's float32 bytes (and shape), in the model's weight order. */
function weightsHash(model: tfl.LayersModel): string {
  return sha256(
    ...model.getWeights().flatMap((weight) => {
      const values = weight.dataSync() as Float32Array;
      return [weight.shape.join('x'), new Uint8Array(values.buffer, values.byteOffset, values.byteLength)];
    }),
  );
}

interface Steps {
  /** [d_loss, g_loss] per step. */
  losses: number[][];
  /** The SHA-256 of every step's metrics as JSON. */
  metrics: string;
  /** After the steps: D's and G's losses on the first 30 images in inference mode (the seed's test rows). */
  test: number[];
}

type Golden = Awaited<ReturnType<typeof golden>>;

async function golden(experiment: SettledExperiment) {
  const state = initialState(experiment.seed);
  const gan = buildGan(experiment, [28, 28, 1], state);
  const [generator, discriminator] = [weightsHash(gan.generator), weightsHash(gan.discriminator)];
  const metrics: StepMetrics[] = [];
  const data = firstExamples(mnist, experiment.data.limit);
  const record = { onStepEnd: async (_: unknown, m: StepMetrics) => void metrics.push(m) };
  const { model, seed } = experiment;
  const setup = { gan, data, model, train: experiment.train, seed, shuffle: experiment.data.shuffle };
  await train(setup, runContext({ state, callbacks: [record] }), [record]);
  const test = testLosses(gan, firstExamples(mnist, 30), model, experiment.train.g_batch_multiplier, createRandom(7));
  gan.generator.dispose();
  gan.discriminator.dispose();
  gan.average?.generator.dispose();
  return {
    weights: { generator, discriminator },
    losses: metrics.map((m) => [m.d_loss, m.g_loss]),
    metrics: sha256(JSON.stringify(metrics)),
    test: [test.d_loss, test.g_loss],
  };
}

/**
 * Native TensorFlow's oneDNN kernels take another code path, which sums in another order, on a CPU with AVX-512
 * than on one with AVX2 only: their steps are recorded for each. wasm's are the same on every CPU.
 */
const avx512 = /\bavx512f\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));

/** Checks `name`'s recorded weights and steps on `backend`. */
function check(name: string, backend: 'tensorflow' | 'wasm', { weights: actual, ...actualSteps }: Golden) {
  assert.deepEqual(actual, weights[name], `${name}: initial weights`);
  const recorded = backend === 'tensorflow' && avx512 ? 'tensorflow_avx512' : backend;
  assert.deepEqual(actualSteps, steps[name][recorded], `${name}: the first steps on ${recorded}`);
}

const threeSteps = ['train.epochs=1', 'train.max_steps=3'];
const shipped = async (name: string, overrides: string[]) =>
  onMnist(
    await loadExperiment(join(repoRoot, 'experiments', `${name}.yaml`), { overrides: [...threeSteps, ...overrides] }),
  );

/** Recorded from the code as it was before dcgan was generalised: the weights are the same on every backend. */
const weights: Record<string, { generator: string; discriminator: string }> = {
  quickstart: {
    generator: '3e069528187bb160b12f2eb26d9ac2b04f432d3d9b34e898b8bcc83b6bc88ae7',
    discriminator: 'fc340d72d6822adb361691d6edea2c787399467aac48d8f2c5a52b4f99b78df4',
  },
  'acgan-mnist': {
    generator: '6ac8c6755d818bfd9448ddc9d3f306cde5f13683636f70507f00fb3392fa3da7',
    discriminator: '2cb4d8580278c41ab774e115cd9c93cc258b32e14d64d133a4c1a5d1d0494761',
  },
  'wgan-gp': {
    generator: 'f67f027b4dc470d44448123e95f861ede44513083cfb106585b829fdc5c8b67a',
    discriminator: 'bc99085fcaa45d642f5909b47a771224f8e4492e4a4b1dc5bb9e0d55b32359e5',
  },
};

const steps: Record<string, Record<'tensorflow' | 'tensorflow_avx512' | 'wasm', Steps>> = {
  quickstart: {
    tensorflow_avx512: {
      losses: [
        [5.088558673858643, 2.756636381149292],
        [4.8434529304504395, 2.6123311519622803],
        [4.653533935546875, 2.478604555130005],
      ],
      metrics: '4aebc5cd8d71d5a97a32f4f0e5f5720a79f0bc17f646234308b65d1db7149daf',
      test: [4.610765792429447, 2.7418345510959625],
    },
    tensorflow: {
      losses: [
        [5.088558673858643, 2.756636381149292],
        [4.8434529304504395, 2.6123311519622803],
        [4.653533935546875, 2.478604793548584],
      ],
      metrics: '3bd59034d2bb56dc9c90f8ae12480b7ea7795610b90848463e96db8c517bf3c6',
      test: [4.6107702143490314, 2.7420266568660736],
    },
    wasm: {
      losses: [
        [5.088559150695801, 2.756636619567871],
        [4.8434529304504395, 2.6123311519622803],
        [4.653536319732666, 2.478590488433838],
      ],
      metrics: '88c406c7f6c5bfa18f347289bb6dd37ca2eb544cb6fa7e2e85fc5ef44877c5bb',
      test: [4.610765837132931, 2.742131769657135],
    },
  },
  'acgan-mnist': {
    tensorflow_avx512: {
      losses: [
        [2.96022367477417, 2.995365619659424],
        [2.9506237506866455, 2.991109848022461],
        [2.928740978240967, 2.9775025844573975],
      ],
      metrics: 'e03863692ae0d664f69429e20e75a813e117c510fe37e987d534f92e6b1aa762',
      test: [2.9029491543769836, 2.9598071575164795],
    },
    tensorflow: {
      losses: [
        [2.96022367477417, 2.995365619659424],
        [2.9506239891052246, 2.991109848022461],
        [2.928740978240967, 2.9775025844573975],
      ],
      metrics: '194d2150533e5452cff8f801755e1092332ca5c9d45405dc165f030eb5186ea0',
      test: [2.9029491543769836, 2.959807276725769],
    },
    wasm: {
      losses: [
        [2.96022367477417, 2.995365858078003],
        [2.9506235122680664, 2.991109848022461],
        [2.9287407398223877, 2.9775028228759766],
      ],
      metrics: '33800666d5e6100f51b3fdd559d78abf52909c8200d933deeba7a42fdf20dd87',
      test: [2.902949094772339, 2.959807574748993],
    },
  },
  'wgan-gp': {
    tensorflow_avx512: {
      losses: [
        [14.5771484375, 2.3025643825531006],
        [14.574642181396484, 2.303215503692627],
        [14.581527709960938, 2.303210496902466],
      ],
      metrics: '09bd3d6d2e8bcd224d0f86bbd2ad1c7ccc32a8b2eafbaf6d38e354a69928ab81',
      test: [4.603983722088742, 2.302785760075494],
    },
    tensorflow: {
      losses: [
        [14.5771484375, 2.3025643825531006],
        [14.574642181396484, 2.303215503692627],
        [14.581527709960938, 2.303210496902466],
      ],
      metrics: 'a5f13a44f247df0bed791d593a0708a49c53ab678c43ef188a06c2a3dd197c4f',
      test: [4.603983719876851, 2.302785762709391],
    },
    wasm: {
      losses: [
        [14.577149391174316, 2.3025643825531006],
        [14.574642181396484, 2.303215503692627],
        [14.58152961730957, 2.3032102584838867],
      ],
      metrics: 'd5c5ad9e2a2a18b065b5c533a5a5096762120ebcc9ef36e0f5cfb7d66cb60c14',
      test: [4.603982768909191, 2.302785759748076],
    },
  },
};

describeOnEachBackend('golden 28x28 models', (backend) => {
  it("quickstart's former model: initial weights and the first 3 steps", async () => {
    const overrides = [...FORMER_QUICKSTART_MODEL, 'train.batch_size=16', 'data.limit=64'];
    check('quickstart', backend, await golden(await shipped('quickstart', overrides)));
  });

  it('acgan-mnist (batch 8): initial weights and the first 3 steps', async () => {
    check('acgan-mnist', backend, await golden(await shipped('acgan-mnist', ['train.batch_size=8', 'data.limit=32'])));
  });

  it('wgan-gp on the tiny dcgan with dropout: the penalty calls the critic too', async () => {
    check('wgan-gp', backend, await golden(tinyExperiment(['loss.type=wgan-gp', ...threeSteps])));
  });
});

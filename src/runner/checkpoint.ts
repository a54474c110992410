import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { GxError } from '../errors.js';
import { createRandom, deriveSeed } from '../random.js';
import type { Gan } from './steps.js';

/** Where training stands: enough, with the weights and optimizer moments, to continue exactly. */
export interface TrainingState {
  /** Generator steps done. */
  step: number;
  /** The epoch under way (0-based) and the next batch of it. */
  epoch: number;
  batch: number;
  /** The generator of noise, classes and interpolation weights (see random.ts). */
  random: number[];
  /** D forward passes so far: each gets its own dropout seed. */
  dropoutCalls: number;
}

const FORMAT = 1;

/** Where a new run starts: nothing done, the random stream seeded from the experiment's seed. */
export function initialState(seed: number): TrainingState {
  return { step: 0, epoch: 0, batch: 0, random: createRandom(deriveSeed(seed, 'train')).state(), dropoutCalls: 0 };
}

/** Writes G, D (all weights, batch-norm statistics included), both optimizers' state and the training state. */
export async function saveCheckpoint(folder: string, gan: Gan, state: TrainingState): Promise<void> {
  const optimizerWeights = {
    generator: await gan.optimizers.generator.getWeights(),
    discriminator: await gan.optimizers.discriminator.getWeights(),
  };
  const named: { name: string; tensor: tf.Tensor }[] = [
    ...gan.generator.getWeights().map((tensor, i) => ({ name: `generator/${i}`, tensor })),
    ...gan.discriminator.getWeights().map((tensor, i) => ({ name: `discriminator/${i}`, tensor })),
    ...optimizerWeights.generator.map(({ tensor }, i) => ({ name: `optimizer.generator/${i}`, tensor })),
    ...optimizerWeights.discriminator.map(({ tensor }, i) => ({ name: `optimizer.discriminator/${i}`, tensor })),
  ];
  const { data, specs } = await tf.io.encodeWeights(named);
  const manifest = {
    format: FORMAT,
    state,
    specs,
    // Optimizers restore their slots by the variable names they were saved under.
    optimizerNames: {
      generator: optimizerWeights.generator.map(({ name }) => name),
      discriminator: optimizerWeights.discriminator.map(({ name }) => name),
    },
    adamPowers: {
      generator: adamPowers(gan.optimizers.generator),
      discriminator: adamPowers(gan.optimizers.discriminator),
    },
  };
  const partial = `${folder}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  await writeFile(join(partial, 'weights.bin'), new Uint8Array(data));
  await writeFile(join(partial, 'checkpoint.json'), JSON.stringify(manifest));
  await rm(folder, { recursive: true, force: true });
  await rename(partial, folder);
}

/** Restores what saveCheckpoint wrote into freshly built models and optimizers; returns the training state. */
export async function loadCheckpoint(folder: string, gan: Gan): Promise<TrainingState> {
  let manifest: {
    format: number;
    state: TrainingState;
    specs: tf.io.WeightsManifestEntry[];
    optimizerNames: Record<'generator' | 'discriminator', string[]>;
    adamPowers: Record<'generator' | 'discriminator', number[] | undefined>;
  };
  let data: Uint8Array;
  try {
    manifest = JSON.parse(await readFile(join(folder, 'checkpoint.json'), 'utf8'));
    data = await readFile(join(folder, 'weights.bin'));
  } catch (error) {
    throw new GxError(
      'CHECKPOINT_UNREADABLE',
      `${folder}: ${(error as Error).message}`,
      'resume from a run that saved a checkpoint',
    );
  }
  if (manifest.format !== FORMAT) {
    throw new GxError(
      'CHECKPOINT_FORMAT',
      `${folder} has checkpoint format ${manifest.format}, this gx reads ${FORMAT}`,
      'use the gx version that wrote it',
    );
  }
  const buffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  const tensors = tf.io.decodeWeights(buffer, manifest.specs);
  const group = (prefix: string) =>
    Object.keys(tensors)
      .filter((name) => name.startsWith(`${prefix}/`))
      .sort((a, b) => Number(a.split('/')[1]) - Number(b.split('/')[1]))
      .map((name) => tensors[name]);
  try {
    gan.generator.setWeights(group('generator'));
    gan.discriminator.setWeights(group('discriminator'));
    for (const side of ['generator', 'discriminator'] as const) {
      const weights = group(`optimizer.${side}`).map((tensor, i) => ({
        name: manifest.optimizerNames[side][i],
        tensor,
      }));
      await gan.optimizers[side].setWeights(weights);
      restoreAdamPowers(gan.optimizers[side], manifest.adamPowers[side]);
    }
  } catch (error) {
    throw new GxError(
      'CHECKPOINT_MISMATCH',
      `${folder} does not fit this experiment's models: ${(error as Error).message}`,
      'resume with the experiment the run was started with',
    );
  } finally {
    tf.dispose(Object.values(tensors));
  }
  return manifest.state;
}

/**
 * Adam keeps beta1^t and beta2^t as running float32 products, but its setWeights recomputes them with pow(), which
 * rounds differently: saved and restored as they are, a resumed run matches an uninterrupted one bit for bit.
 */
type WithPowers = { accBeta1?: tf.Variable; accBeta2?: tf.Variable };

function adamPowers(optimizer: tf.Optimizer): number[] | undefined {
  const { accBeta1, accBeta2 } = optimizer as unknown as WithPowers;
  return accBeta1 && accBeta2 ? [accBeta1.dataSync()[0], accBeta2.dataSync()[0]] : undefined;
}

function restoreAdamPowers(optimizer: tf.Optimizer, powers: number[] | undefined): void {
  const { accBeta1, accBeta2 } = optimizer as unknown as WithPowers;
  if (!powers || !accBeta1 || !accBeta2) return;
  tf.tidy(() => {
    accBeta1.assign(tf.scalar(powers[0]));
    accBeta2.assign(tf.scalar(powers[1]));
  });
}

import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { recoverFolder, replaceFolder, syncFolder, writeFileDurably } from '../../atomic-files.js';
import { sha256 } from '../../core/sha256.js';
import { GxError } from '../../errors.js';
import type { Gan } from '../../models/gan.js';
import type { TrainingState } from '../loop/training-state.js';

/**
 * 2: manifest.json holds the SHA-256 of each file. 3: checkpoint.json also holds the keyed callbacks' states
 * (`callbacks`); a format 2 checkpoint loads as one with none.
 */
const FORMAT = 3;
const READABLE_FORMATS = [2, 3];

/** What a checkpoint restores besides the weights: where training stood, and each keyed callback's state. */
export interface Restored {
  state: TrainingState;
  callbacks: Record<string, unknown>;
}
/** The files of a checkpoint, each listed with its SHA-256 in manifest.json. */
const FILES = ['checkpoint.json', 'weights.bin'] as const;

/**
 * Writes G, D (all weights, batch-norm statistics included), both optimizers' state, the training state and the
 * callbacks' states (JSON values, by callback key).
 */
export async function saveCheckpoint(folder: string, gan: Gan, { state, callbacks }: Restored): Promise<void> {
  const optimizerWeights = {
    generator: await gan.optimizers.generator.getWeights(),
    discriminator: await gan.optimizers.discriminator.getWeights(),
  };
  const named: { name: string; tensor: tf.Tensor }[] = [
    ...gan.generator.getWeights().map((tensor, i) => ({ name: `generator/${i}`, tensor })),
    ...gan.discriminator.getWeights().map((tensor, i) => ({ name: `discriminator/${i}`, tensor })),
    ...(gan.average?.generator.getWeights() ?? []).map((tensor, i) => ({ name: `average.generator/${i}`, tensor })),
    ...optimizerWeights.generator.map(({ tensor }, i) => ({ name: `optimizer.generator/${i}`, tensor })),
    ...optimizerWeights.discriminator.map(({ tensor }, i) => ({ name: `optimizer.discriminator/${i}`, tensor })),
  ];
  const { data, specs } = await tf.io.encodeWeights(named);
  const manifest = {
    format: FORMAT,
    state,
    callbacks,
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
  // Written complete beside the current checkpoint, then swapped in: a crash at any instant leaves one to resume.
  const partial = `${folder}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  try {
    const contents = { 'weights.bin': new Uint8Array(data), 'checkpoint.json': JSON.stringify(manifest) };
    for (const file of FILES) await writeFileDurably(join(partial, file), contents[file]);
    const sums = Object.fromEntries(FILES.map((file) => [file, sha256(contents[file])]));
    await writeFileDurably(join(partial, 'manifest.json'), JSON.stringify({ files: sums }));
    await syncFolder(partial);
    await replaceFolder(partial, folder);
  } catch (error) {
    // A full disk: what was written of the new one goes, the last complete checkpoint stays.
    await rm(partial, { recursive: true, force: true });
    throw error;
  }
}

/** Restores what saveCheckpoint wrote into freshly built models and optimizers; returns the states it holds. */
export async function loadCheckpoint(folder: string, gan: Gan): Promise<Restored> {
  let manifest: {
    format: number;
    state: TrainingState;
    callbacks?: Record<string, unknown>;
    specs: tf.io.WeightsManifestEntry[];
    optimizerNames: Record<'generator' | 'discriminator', string[]>;
    adamPowers: Record<'generator' | 'discriminator', number[] | undefined>;
  };
  await recoverFolder(`${folder}.partial`, folder, async (candidate) => {
    try {
      await readVerified(candidate);
      return true;
    } catch {
      return false;
    }
  });
  const files = await readVerified(folder);
  try {
    manifest = JSON.parse(files['checkpoint.json'].toString('utf8'));
  } catch (error) {
    throw damaged(folder, `checkpoint.json: ${(error as Error).message}`);
  }
  if (!READABLE_FORMATS.includes(manifest.format)) {
    throw new GxError(
      'CHECKPOINT_FORMAT',
      `${folder} has checkpoint format ${manifest.format}, this gx reads ${READABLE_FORMATS.join(' and ')}`,
      'use the gx version that wrote it',
    );
  }
  const data = files['weights.bin'];
  const buffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  let tensors: tf.NamedTensorMap;
  try {
    tensors = tf.io.decodeWeights(buffer, manifest.specs);
  } catch (error) {
    throw damaged(folder, `weights.bin does not hold the weights checkpoint.json lists (${(error as Error).message})`);
  }
  const notFinite = Object.entries(tensors).find(([, tensor]) => tensor.dtype === 'float32' && !allFinite(tensor));
  if (notFinite) {
    tf.dispose(Object.values(tensors));
    throw damaged(folder, `weights.bin holds NaN or infinite values (${notFinite[0]})`);
  }
  const group = (prefix: string) =>
    Object.keys(tensors)
      .filter((name) => name.startsWith(`${prefix}/`))
      .sort((a, b) => Number(a.split('/')[1]) - Number(b.split('/')[1]))
      .map((name) => tensors[name]);
  try {
    gan.generator.setWeights(group('generator'));
    gan.discriminator.setWeights(group('discriminator'));
    gan.average?.generator.setWeights(group('average.generator'));
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
  return { state: manifest.state, callbacks: manifest.callbacks ?? {} };
}

/**
 * The files of a checkpoint, each checked against the SHA-256 its manifest.json lists: a file damaged on disk (zeroed,
 * cut short, overwritten) is found before it is trusted.
 */
async function readVerified(folder: string): Promise<Record<(typeof FILES)[number], Buffer>> {
  let sums: Record<string, string>;
  try {
    sums = JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8')).files ?? {};
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      const found = await readFile(join(folder, 'checkpoint.json')).then(
        () => true,
        () => false,
      );
      if (!found) {
        throw new GxError(
          'CHECKPOINT_UNREADABLE',
          `${folder}: no checkpoint there`,
          'resume a run that saved a checkpoint (checkpoint_every, or Ctrl-C, saves one)',
        );
      }
      throw damaged(folder, 'manifest.json (the checksums) is missing');
    }
    throw damaged(folder, `manifest.json: ${(error as Error).message}`);
  }
  const files = {} as Record<(typeof FILES)[number], Buffer>;
  for (const file of FILES) {
    const bytes = await readFile(join(folder, file)).catch((error: Error) => {
      throw damaged(folder, `${file}: ${error.message}`);
    });
    if (typeof sums[file] !== 'string' || sha256(bytes) !== sums[file])
      throw damaged(folder, `${file} does not match its SHA-256 in manifest.json`);
    files[file] = bytes;
  }
  return files;
}

function damaged(folder: string, what: string): GxError {
  return new GxError(
    'CHECKPOINT_DAMAGED',
    `checkpoint ${folder} is damaged: ${what}`,
    'restore the run folder from a backup, or start the run again; gx will not resume from weights it cannot trust',
  );
}

function allFinite(tensor: tf.Tensor): boolean {
  return (tensor.dataSync() as Float32Array).every(Number.isFinite);
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

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '../src/backend/select.js';
import { type SettledExperiment, withClasses } from '../src/config/experiment.js';
import { resolveExperiment } from '../src/config/load.js';
import { buildGan } from '../src/models/build-gan.js';
import { disposeLatent, sampleLatent } from '../src/models/latent.js';
import { createRandom } from '../src/random.js';
import { discriminatorStep, generatorStep } from '../src/runner/loop/steps.js';
import { FORMER_QUICKSTART_MODEL } from '../test/helpers/experiments.js';

const ITERS = Number(process.env.ITERS ?? 2);
/** The cpu backend needs most of an hour per seed iteration at batch 100: it is timed once at this batch, scaled. */
const CPU_SEED_BATCH = Number(process.env.CPU_SEED_BATCH ?? 2);
/** Which backends to time, e.g. BACKENDS=wasm; all that load by default. */
const BACKENDS = (process.env.BACKENDS ?? 'tensorflow,wasm,cpu').split(',');

/**
 * Seconds per training iteration as the seed defines one (batch 100: a D step on 100 real + 100 fake images, a G
 * step on 200), for the seed AC-GAN and for the quickstart, on every backend that loads here; and the PyTorch
 * anchors of both (shared/anchors/acgan_torch.py and quickstart_torch.py beside the repository) when Python has
 * torch.
 */
export async function benchTraining() {
  const seed = experimentFile('experiments/acgan-mnist.yaml');
  const quickstart = experimentFile('experiments/quickstart.yaml');
  // quickstart_torch.py is the quickstart's former model: gx times that model too, for a like-for-like comparison.
  const anchorModel = experimentFile('experiments/quickstart.yaml', FORMER_QUICKSTART_MODEL);
  const results: Record<string, Record<string, unknown>> = {};
  for (const backend of ['tensorflow', 'wasm', 'cpu'] as const) {
    if (!BACKENDS.includes(backend)) continue;
    try {
      await selectBackend(backend);
    } catch (error) {
      results[backend] = { unavailable: (error as Error).message };
      continue;
    }
    const seedBatch = backend === 'cpu' ? CPU_SEED_BATCH : seed.train.batch_size;
    const seedSeconds =
      secondsPerIteration(seed, seedBatch, backend === 'cpu' ? 1 : ITERS) * (seed.train.batch_size / seedBatch);
    results[backend] = {
      acgan_s_per_iter: seedSeconds,
      acgan_epoch_s: seedSeconds * 600,
      ...(seedBatch === seed.train.batch_size ? {} : { acgan_timed_at_batch: seedBatch, acgan_scaled_linearly: true }),
      quickstart_s_per_iter: secondsPerIteration(
        quickstart,
        quickstart.train.batch_size,
        backend === 'cpu' ? 1 : ITERS,
      ),
      ...(backend === 'tensorflow'
        ? { quickstart_anchor_model_s_per_iter: secondsPerIteration(anchorModel, anchorModel.train.batch_size, ITERS) }
        : {}),
    };
  }
  const seconds = (backend: string, model: 'acgan' | 'quickstart' | 'quickstart_anchor_model') =>
    results[backend]?.[`${model}_s_per_iter`] as number | undefined;
  const ratio = (slow?: number, fast?: number) => (slow && fast ? slow / fast : undefined);
  const torch = pytorchAnchor('acgan_torch.py', { ITERS, WARM: 1, MODES: 'fp32' }, process.env.GX_ANCHOR_SCRIPT);
  const quickstartTorch = pytorchAnchor(
    'quickstart_torch.py',
    { ITERS: Math.max(ITERS, 50), WARM: 10, MODES: 'eager' },
    process.env.GX_QUICKSTART_ANCHOR_SCRIPT,
  );
  // gx's steps leave G's moving average out; the anchor times it apart.
  const quickstartTorchSeconds = quickstartTorch?.s_per_iter_no_ema ?? quickstartTorch?.s_per_iter;
  return {
    min_iterations_timed: ITERS,
    backends: results,
    pytorch_anchor: torch,
    // The quickstart's anchor model in PyTorch, layer for layer, beside the same model in gx.
    quickstart_pytorch_anchor: quickstartTorch,
    quickstart_side_by_side: {
      gx_tensorflow_s_per_iter: seconds('tensorflow', 'quickstart_anchor_model'),
      pytorch_eager_s_per_iter: quickstartTorchSeconds,
    },
    // Above 1: the second is faster.
    acgan_pytorch_over_tensorflow: ratio(torch?.s_per_iter, seconds('tensorflow', 'acgan')),
    quickstart_tensorflow_over_pytorch: ratio(seconds('tensorflow', 'quickstart_anchor_model'), quickstartTorchSeconds),
    acgan_wasm_over_tensorflow: ratio(seconds('wasm', 'acgan'), seconds('tensorflow', 'acgan')),
    quickstart_wasm_over_tensorflow: ratio(seconds('wasm', 'quickstart'), seconds('tensorflow', 'quickstart')),
    acgan_cpu_over_wasm: ratio(seconds('cpu', 'acgan'), seconds('wasm', 'acgan')),
  };
}

/** A shipped experiment (with `--set` overrides), on MNIST's 10 classes (the shipped files name them anyway). */
function experimentFile(path: string, overrides: string[] = []): SettledExperiment {
  const text = readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
  return withClasses(resolveExperiment(path, text, { overrides }), 10);
}

/**
 * Seconds per iteration once training has settled, with the trainer's own steps. It warms up until 10 iterations
 * or 10 s have passed (native TensorFlow takes about ten quickstart iterations to settle, the first ones up to 40%
 * slower, and a run spends nearly all its steps settled), then times at least `iterations` iterations and 5 s.
 */
function secondsPerIteration(experiment: SettledExperiment, batchSize: number, iterations: number): number {
  const gan = buildGan(experiment, [28, 28, 1], { dropoutCalls: 0 });
  const random = createRandom(0);
  const iteration = () => {
    const images = tf.randomUniform([batchSize, 28, 28, 1], -1, 1) as tf.Tensor4D;
    const labels = tf.tensor1d(
      Array.from({ length: batchSize }, (_, i) => i % 10),
      'int32',
    );
    const latent = sampleLatent(experiment.model, batchSize, random);
    discriminatorStep(gan, { images, labels }, latent, random);
    disposeLatent(latent);
    const generatorLatent = sampleLatent(experiment.model, batchSize * experiment.train.g_batch_multiplier, random);
    generatorStep(gan, generatorLatent, { images, labels }, random);
    tf.dispose([images, labels]);
    disposeLatent(generatorLatent);
  };
  const secondsEach = (enough: (count: number, seconds: number) => boolean) => {
    const start = performance.now();
    let count = 0;
    let seconds = 0;
    do {
      iteration();
      count++;
      seconds = (performance.now() - start) / 1000;
    } while (!enough(count, seconds));
    return seconds / count;
  };
  secondsEach((count, seconds) => count >= 10 || seconds >= 10);
  const settled = secondsEach((count, seconds) => count >= iterations && seconds >= 5);
  gan.generator.dispose();
  gan.discriminator.dispose();
  return settled;
}

/**
 * What a PyTorch anchor script prints for its first mode (seconds per iteration on the CPU, with `settings` as its
 * environment), and its torch line, when Python has torch: `file` in shared/anchors beside the repository, or the
 * path in `override` ($GX_ANCHOR_SCRIPT for the seed's, $GX_QUICKSTART_ANCHOR_SCRIPT for the quickstart's).
 */
function pytorchAnchor(
  file: string,
  settings: Record<string, string | number>,
  override?: string,
): { s_per_iter: number; s_per_iter_no_ema?: number; torch: string } | undefined {
  const script = override ?? new URL(`../../../shared/anchors/${file}`, import.meta.url).pathname;
  if (!existsSync(script)) return undefined;
  try {
    const output = execFileSync('python3', [script], {
      env: { ...process.env, DEV: 'cpu', ...Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, `${v}`])) },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const lines = output.trim().split('\n');
    const line = lines.find((candidate) => candidate.includes('{')) as string;
    return { ...JSON.parse(line.slice(line.indexOf('{'))), torch: lines[lines.length - 1] };
  } catch {
    return undefined; // no Python, or no torch
  }
}

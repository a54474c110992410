import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { selectBackend } from '../src/backend/select.js';
import { withClasses } from '../src/config/experiment.js';
import { resolveExperiment } from '../src/config/load.js';
import { loadImageFolder } from '../src/data/folder/image-folder.js';
import { buildGan } from '../src/models/build-gan.js';
import { runContext } from '../src/runner/callbacks/run-context.js';
import { train } from '../src/runner/loop/trainer.js';
import { initialState } from '../src/runner/loop/training-state.js';
import { tempDir } from '../test/helpers/cli.js';

const IMAGES = Number(process.env.FOLDER_IMAGES ?? 20_000);
const STEPS = Number(process.env.FOLDER_STEPS ?? 10);

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

/**
 * A synthetic folder of 20,000 coloured shapes at 64x64 (FOLDER_IMAGES): the decode rate into gx's cache
 * (images/s), a second load (a cache hit), then FOLDER_STEPS steps of faces-dcgan's model on native TensorFlow, with
 * the process's peak RSS after each stage.
 */
export async function benchFolder() {
  // Made by another process, so that the peak memory below is gx's alone.
  const folder = join(tempDir(), 'shapes');
  const script = fileURLToPath(new URL('./make-shapes-folder.js', import.meta.url));
  execFileSync(process.execPath, [script, folder, String(IMAGES), '64'], { stdio: 'ignore' });
  const cache = tempDir();
  const options = {
    path: folder,
    size: 64,
    channels: 3 as const,
    fit: 'crop' as const,
    labels: 'none' as const,
    holdout: 0.05,
    on_bad_file: 'skip' as const,
    memory_budget_mb: 1024,
  };
  const rssBefore = peakRssMb();
  let start = performance.now();
  // Only its count is kept: the peak below is of one set in memory, as a run holds.
  const images = (await loadImageFolder(options, 'train', cache)).cache.meta.count;
  const decodeSeconds = (performance.now() - start) / 1000;
  const rssDecode = peakRssMb();
  start = performance.now();
  const second = await loadImageFolder(options, 'train', cache);
  const hitSeconds = (performance.now() - start) / 1000;
  const backend = await selectBackend('auto');
  const yaml = `
name: bench
data: { type: image-folder, path: ${JSON.stringify(folder)}, size: 64 }
model: { type: dcgan, latent_size: 100, latent_distribution: uniform, width: 64, d_batch_norm: true }
loss: { type: standard }
train:
  epochs: 1
  max_steps: ${STEPS}
  batch_size: 128
  optimizer: { g: { type: adam, lr: 0.0002, beta1: 0.5 }, d: { type: adam, lr: 0.0002, beta1: 0.5 } }
`;
  const experiment = withClasses(resolveExperiment('bench.yaml', yaml), 0);
  const state = initialState(0);
  const gan = buildGan(experiment, [64, 64, 3], state);
  const setup = { gan, data: second.set, model: experiment.model, train: experiment.train, seed: 0 };
  start = performance.now();
  // CPU time as well as wall time: on a shared machine the wall time says more about the neighbours than about gx.
  const cpuBefore = process.cpuUsage();
  await train(setup, runContext({ state, callbacks: [] }), []);
  const cpu = process.cpuUsage(cpuBefore);
  return {
    images,
    decode_s: decodeSeconds,
    decode_images_per_s: images / decodeSeconds,
    cache_hit: second.cache.state === 'hit',
    cache_hit_load_s: hitSeconds,
    peak_rss_mb_before_decode: rssBefore,
    peak_rss_mb_after_decode: rssDecode,
    backend,
    train_steps: STEPS,
    train_s_per_step: (performance.now() - start) / 1000 / STEPS,
    train_cpu_s_per_step: (cpu.user + cpu.system) / 1e6 / STEPS,
    peak_rss_mb_after_training: peakRssMb(),
  };
}

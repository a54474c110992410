import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { describeNative, selectBackend } from '../backend/select.js';
import type { BackendName, ResolvedExperiment } from '../config/experiment.js';
import { loadExperiment } from '../config/load.js';
import { shareable } from '../config/shareable.js';
import { cacheDir } from '../data/cache-dir.js';
import { firstExamples, type ImageSet } from '../data/image-set.js';
import { GxError } from '../errors.js';
import { prepareEvaluation } from '../eval/evaluate.js';
import { encodePng } from '../images/png.js';
import { datasets } from '../registry/datasets.js';
import { resumeTracking, startTracking, trackingStore } from '../tracking/open.js';
import { flattenParams } from '../tracking/params.js';
import { syncServerRun } from '../tracking/server-tracker.js';
import type { MetricPoint } from '../tracking/tracker.js';
import { gxVersion } from '../version.js';
import { buildGan } from './build-gan.js';
import { initialState, loadCheckpoint, saveCheckpoint, type TrainingState } from './checkpoint.js';
import { disposeLatent } from './latent.js';
import { saveLayersModel } from './model-files.js';
import { createProgress } from './progress.js';
import { fixedLatent, sampleGrid } from './sample-grid.js';
import type { StepMetrics } from './steps.js';
import { plannedSteps, train } from './trainer.js';

export interface RunOptions {
  /** Where run folders go: $GX_RUNS_DIR, else ./runs. */
  runsDir?: string;
  /** Overrides runtime.backend. */
  backend?: BackendName;
  /** Overrides train.max_steps (a resumed run continues to it). */
  maxSteps?: number;
  /** Print progress and epoch tables on stderr. */
  progress?: boolean;
  /** Checked between steps: true stops the run cleanly, with a checkpoint to resume from. */
  shouldStop?: () => boolean;
  /** Where to say what happens to the tracking record (server away, back, kept on disk); default stderr. */
  warn?: (line: string) => void;
  /** Aborted when the user asks to stop: gx stops waiting for the tracking server to create the run. */
  stop?: AbortSignal;
}

export interface RunResult {
  runId: string;
  runDir: string;
  backend: string;
  status: 'FINISHED' | 'STOPPED';
  state: TrainingState;
  /** The last step's metrics. */
  metrics: StepMetrics;
  /** The final generator, in the TensorFlow.js layers format. */
  modelDir: string;
  /** The MLflow run that records this one: the local store's folder or the server's URL, and the run's id. */
  tracking: { store: string; runId?: string };
}

/** Trains an experiment from scratch in a new run folder. */
export async function runExperiment(experiment: ResolvedExperiment, options: RunOptions = {}): Promise<RunResult> {
  const runId = `${experiment.name}-${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}-${randomBytes(2).toString('hex')}`;
  const runDir = join(runsDir(options), runId);
  return execute(experiment, runId, runDir, undefined, options);
}

/** Continues a run from its last checkpoint, with the experiment it was started with. */
export async function resumeRun(run: string, options: RunOptions = {}): Promise<RunResult> {
  const runDir = await findRun(run, options);
  const experiment = await loadExperiment(join(runDir, 'experiment.yaml'));
  const { id, tracking } = JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8'));
  return execute(experiment, id, runDir, join(runDir, 'checkpoint'), options, tracking);
}

/** Sends a run's tracking record to its MLflow server where it has not got there yet (`gx sync`). */
export async function syncRun(run: string, options: Pick<RunOptions, 'runsDir'> = {}) {
  const runDir = await findRun(run, options);
  const record = JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8'));
  if (trackingStore({ uri: record.tracking.store }).kind !== 'server') return { runDir, ...record.tracking, sent: 0 };
  const synced = await syncServerRun(join(runDir, 'mlflow'));
  record.tracking.runId = synced.runId;
  await writeFile(join(runDir, 'run.json'), JSON.stringify(record, null, 2));
  return {
    runDir,
    store: synced.uri,
    runId: synced.runId,
    sent: synced.sent,
    rejected: synced.rejected,
    rejectedFile: synced.rejectedFile,
  };
}

async function execute(
  original: ResolvedExperiment,
  runId: string,
  runDir: string,
  checkpointDir: string | undefined,
  options: RunOptions,
  previousTracking?: { store: string; runId?: string },
): Promise<RunResult> {
  const experiment = withMaxSteps(original, options.maxSteps);
  const requestedBackend = options.backend ?? experiment.runtime.backend;
  const backend = await selectBackend(requestedBackend);
  const warn = options.warn ?? ((line: string) => process.stderr.write(`gx: ${line}\n`));
  if (requestedBackend === 'auto' && backend !== 'tensorflow') warn(`training on ${backend}: ${describeNative()}`);
  const data = await loadTrainingData(experiment, true);
  const state = initialState(experiment.seed);
  const gan = buildGan(experiment, [data.height, data.width, data.channels], state);
  if (checkpointDir) Object.assign(state, await loadCheckpoint(checkpointDir, gan));

  const tracker = previousTracking
    ? await resumeTracking(previousTracking, runDir, warn)
    : await startTracking(
        experiment.tracking,
        {
          experiment: experiment.tracking.experiment ?? experiment.name,
          runName: experiment.tracking.run_name ?? runId,
          tags: systemTags(shareable(original), runDir, backend),
          folder: runDir,
          stop: options.stop,
        },
        warn,
      ).catch(async (error) => {
        // Refused before anything was trained (a bad URI, wrong credentials): leave no half-made run behind.
        await rm(runDir, { recursive: true, force: true });
        throw error;
      });
  if (!previousTracking) await tracker.logParams(flattenParams(shareable(experiment)));
  const evaluation = experiment.eval && (await prepareEvaluation(experiment, experiment.eval, warn));
  if (evaluation && !previousTracking) {
    // The floor, once per run: the classifier's test accuracy and real training images measured as G's will be.
    const timestamp = Date.now();
    await tracker.logMetrics(
      Object.entries(evaluation.floor).map(([key, value]) => ({ key, value, step: 0, timestamp })),
    );
  }

  await mkdir(join(runDir, 'samples'), { recursive: true });
  const record = {
    id: runId,
    name: experiment.name,
    backend,
    ...(backend === 'tensorflow' && { backendLibrary: describeNative() }),
    gx: gxVersion,
    node: process.version,
    started: new Date().toISOString(),
    tracking: { store: tracker.store, runId: tracker.runId },
  };
  await writeFile(join(runDir, 'run.json'), JSON.stringify({ ...record, status: 'RUNNING' }, null, 2));
  if (!checkpointDir)
    await writeFile(
      join(runDir, 'experiment.yaml'),
      `# Resolved by gx ${gxVersion}: every default filled in.\n${stringify(shareable(original))}`,
    );

  const progress = options.progress
    ? createProgress(plannedSteps({ data, train: experiment.train }), experiment.train.epochs)
    : undefined;
  const samples = fixedLatent(experiment.model, experiment.seed);
  let history: string[] = [];
  let points: MetricPoint[] = [];
  let last: StepMetrics = {};
  let lastFlush = Date.now();
  // Metrics are kept in memory for up to 100 steps or 5 seconds and written in one go, off the step path.
  const flushHistory = async () => {
    if (history.length > 0) await appendFile(join(runDir, 'history.jsonl'), `${history.join('\n')}\n`);
    if (points.length > 0) await tracker.logMetrics(points);
    [history, points, lastFlush] = [[], [], Date.now()];
  };
  let evaluatedAt = -1;
  const evaluate = async (epoch: number) => {
    if (!evaluation || evaluatedAt === state.step) return;
    evaluatedAt = state.step;
    const metrics = evaluation.evaluate(gan.generator);
    await appendFile(join(runDir, 'eval.jsonl'), `${JSON.stringify({ step: state.step, epoch, ...metrics })}\n`);
    const timestamp = Date.now();
    await tracker.logMetrics(
      Object.entries(metrics).map(([key, value]) => ({ key, value, step: state.step, timestamp })),
    );
    if (options.progress) process.stderr.write(`evaluation at step ${state.step}: ${formatMetrics(metrics)}\n`);
    Object.assign(lastEvaluation, metrics);
  };
  const lastEvaluation: Record<string, number> = {};
  const saveSamples = async (name: string) => {
    const grid = sampleGrid(gan.generator, samples);
    const file = join(runDir, 'samples', `${name}.png`);
    await writeFile(file, encodePng(grid));
    await tracker.logArtifact(file, 'samples');
    await tracker.logImage('samples', state.step, grid);
  };

  try {
    await train({ gan, data, model: experiment.model, train: experiment.train, seed: experiment.seed }, state, {
      async step(current, metrics) {
        last = metrics;
        const timestamp = Date.now();
        history.push(JSON.stringify({ step: current.step, epoch: current.epoch, time: timestamp, ...finite(metrics) }));
        for (const [key, value] of Object.entries(metrics)) points.push({ key, value, step: current.step, timestamp });
        // A GAN whose loss is NaN or infinite never comes back: stop, with the record up to this step.
        const diverged = ['d_loss', 'g_loss'].find((key) => key in metrics && !Number.isFinite(metrics[key]));
        if (diverged) {
          throw new GxError(
            'DIVERGED',
            `training diverged at step ${current.step}: ${diverged} is ${metrics[diverged]}`,
            'lower the learning rates, or use a steadier loss (wgan-gp, lsgan)',
          );
        }
        progress?.step(current.step, current.epoch, metrics);
        if (history.length >= 100 || timestamp - lastFlush > 5000) await flushHistory();
        const everySteps = experiment.eval?.every_steps ?? 0;
        if (everySteps > 0 && current.step % everySteps === 0) await evaluate(current.epoch);
      },
      async epochEnd(current, means) {
        progress?.epoch(current.epoch, means);
        const { sample_every, checkpoint_every } = experiment.train;
        if (experiment.eval && experiment.eval.every > 0 && current.epoch % experiment.eval.every === 0)
          await evaluate(current.epoch);
        if (sample_every > 0 && current.epoch % sample_every === 0) await saveSamples(`epoch-${pad(current.epoch)}`);
        if (checkpoint_every > 0 && current.epoch % checkpoint_every === 0) {
          await flushHistory();
          await saveCheckpoint(join(runDir, 'checkpoint'), gan, current);
        }
      },
      shouldStop: options.shouldStop,
    });
    progress?.clear();
    await flushHistory();
    await saveSamples(`step-${pad(state.step, 6)}`);
    await saveCheckpoint(join(runDir, 'checkpoint'), gan, state);
    await saveLayersModel(gan.generator, join(runDir, 'model'));
    await evaluate(state.epoch);
    for (const artifact of ['experiment.yaml', 'model', 'checkpoint'])
      await tracker.logArtifact(join(runDir, artifact));
    const status = options.shouldStop?.() ? 'STOPPED' : 'FINISHED';
    await tracker.end(status === 'STOPPED' ? 'KILLED' : 'FINISHED');
    record.tracking.runId = tracker.runId;
    await writeFile(
      join(runDir, 'run.json'),
      JSON.stringify({ ...record, status, finished: new Date().toISOString(), state }, null, 2),
    );
    return {
      runId,
      runDir,
      backend,
      status,
      state,
      metrics: { ...last, ...lastEvaluation },
      modelDir: join(runDir, 'model'),
      tracking: record.tracking,
    };
  } catch (error) {
    progress?.clear();
    await flushHistory();
    await tracker.setTags({ 'gx.error': (error as Error).message });
    await tracker.end('FAILED');
    record.tracking.runId = tracker.runId;
    await writeFile(
      join(runDir, 'run.json'),
      JSON.stringify({ ...record, status: 'FAILED', error: (error as Error).message, state }, null, 2),
    );
    throw error;
  } finally {
    disposeLatent(samples);
    evaluation?.dispose();
    gan.generator.dispose();
    gan.discriminator.dispose();
    gan.optimizers.generator.dispose();
    gan.optimizers.discriminator.dispose();
  }
}

function formatMetrics(metrics: Record<string, number>): string {
  return Object.entries(metrics)
    .map(([key, value]) => `${key} ${Number(value.toPrecision(4))}`)
    .join(', ');
}

async function loadTrainingData(experiment: ResolvedExperiment, download: boolean): Promise<ImageSet> {
  const dataset = datasets.get(experiment.data.type);
  const set = await dataset.load(experiment.data, 'train', { cacheDir: cacheDir(), download });
  return firstExamples(set, experiment.data.limit);
}

/** The models an experiment builds, layer by layer, with their parameter counts: what `gx run --dry-run` shows. */
export async function describeModels(experiment: ResolvedExperiment, backend?: BackendName) {
  await selectBackend(backend ?? experiment.runtime.backend);
  // A dry run downloads nothing: it only needs the images' shape.
  const data = await loadTrainingData(experiment, false);
  const gan = buildGan(experiment, [data.height, data.width, data.channels], { dropoutCalls: 0 });
  const describe = (model: typeof gan.generator) => {
    const lines: string[] = [];
    model.summary(100, undefined, (line: string) => lines.push(line));
    return { parameters: model.countParams(), summary: lines.join('\n') };
  };
  const described = { generator: describe(gan.generator), discriminator: describe(gan.discriminator) };
  gan.generator.dispose();
  gan.discriminator.dispose();
  return described;
}

/** The tags MLflow's UI shows for a run, and gx's own. */
function systemTags(experiment: ResolvedExperiment, runDir: string, backend: string): Record<string, string> {
  return {
    'mlflow.source.name': `gx run ${experiment.name}`,
    // The run page shows this note: the whole resolved experiment.
    'mlflow.note.content': `${experiment.description ?? ''}\n\n\`\`\`yaml\n${stringify(experiment)}\`\`\`\n`,
    'gx.version': gxVersion,
    'gx.backend': backend,
    ...(backend === 'tensorflow' && { 'gx.backend.library': describeNative() }),
    'gx.node': process.version,
    'gx.run_dir': runDir,
    ...experiment.tracking.tags,
  };
}

function withMaxSteps(experiment: ResolvedExperiment, maxSteps: number | undefined): ResolvedExperiment {
  return maxSteps === undefined ? experiment : { ...experiment, train: { ...experiment.train, max_steps: maxSteps } };
}

function runsDir(options: Pick<RunOptions, 'runsDir'>): string {
  return resolve(options.runsDir ?? process.env.GX_RUNS_DIR ?? 'runs');
}

/** A run given as a folder, or as an id under the runs folder. */
async function findRun(run: string, options: Pick<RunOptions, 'runsDir'>): Promise<string> {
  for (const candidate of isAbsolute(run) ? [run] : [resolve(run), join(runsDir(options), run)]) {
    try {
      await readFile(join(candidate, 'run.json'));
      return candidate;
    } catch {
      // not this one
    }
  }
  throw new GxError(
    'RUN_NOT_FOUND',
    `no run "${run}" (looked for ${run}/run.json and ${join(runsDir(options), run)}/run.json)`,
    'give a run folder or the id `gx run` printed',
  );
}

/** JSON has no NaN or Infinity: a diverged metric is written as a string, never dropped. */
function finite(metrics: StepMetrics): Record<string, number | string> {
  return Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, Number.isFinite(v) ? v : String(v)]));
}

function pad(n: number, width = 4): string {
  return String(n).padStart(width, '0');
}

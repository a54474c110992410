import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { writeFileAtomic } from '../atomic-files.js';
import { describeNative, selectBackend } from '../backend/select.js';
import type { BackendName, ResolvedExperiment } from '../config/experiment.js';
import { loadExperiment } from '../config/load.js';
import { shareable } from '../config/shareable.js';
import { cacheDir } from '../data/cache-dir.js';
import { firstExamples, type ImageSet } from '../data/image-set.js';
import { GxError } from '../errors.js';
import { type Evaluation, prepareEvaluation } from '../eval/evaluate.js';
import { encodePng } from '../images/png.js';
import { datasets } from '../registry/datasets.js';
import { describeSystemError } from '../system-errors.js';
import { loggedSteps } from '../tracking/logged-steps.js';
import { resumeTracking, startTracking, trackingStore } from '../tracking/open.js';
import { flattenParams } from '../tracking/params.js';
import { syncServerRun } from '../tracking/server-tracker.js';
import type { MetricPoint, Tracker } from '../tracking/tracker.js';
import { gxVersion } from '../version.js';
import { buildGan } from './build-gan.js';
import { initialState, loadCheckpoint, saveCheckpoint, type TrainingState } from './checkpoint.js';
import { reserveSpace } from './disk-reserve.js';
import { disposeLatent } from './latent.js';
import { saveLayersModel } from './model-files.js';
import { createProgress } from './progress.js';
import { lockRun } from './run-lock.js';
import { appendRecord, syncRecord, truncateRecord } from './run-record.js';
import { fixedLatent, sampleGrid } from './sample-grid.js';
import type { Gan, StepMetrics } from './steps.js';
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
  const { id, tracking } = await readRunRecord(runDir);
  return execute(experiment, id, runDir, join(runDir, 'checkpoint'), options, tracking);
}

/** Sends a run's tracking record to its MLflow server where it has not got there yet (`gx sync`). */
export async function syncRun(run: string, options: Pick<RunOptions, 'runsDir'> = {}) {
  const runDir = await findRun(run, options);
  const record = await readRunRecord(runDir);
  if (trackingStore({ uri: record.tracking.store }).kind !== 'server') return { runDir, ...record.tracking, sent: 0 };
  const synced = await syncServerRun(join(runDir, 'mlflow'));
  record.tracking.runId = synced.runId;
  await writeFileAtomic(join(runDir, 'run.json'), JSON.stringify(record, null, 2));
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
  let unlock: (() => Promise<void>) | undefined;
  let releaseReserve = async () => {};
  let tracked = false;
  try {
    // The run folder exists before the MLflow run does: a folder that cannot be made fails with nothing to undo.
    await mkdir(join(runDir, 'samples'), { recursive: true });
    unlock = await lockRun(runDir);
    releaseReserve = await reserveSpace(runDir);
    if (checkpointDir) {
      Object.assign(state, await loadCheckpoint(checkpointDir, gan));
      // The steps after the checkpoint are trained again: their first record goes, they are recorded anew.
      for (const record of ['history.jsonl', 'eval.jsonl']) await truncateRecord(join(runDir, record), state.step);
    }
    const tracker = await openTracking(
      experiment,
      original,
      runId,
      runDir,
      backend,
      warn,
      previousTracking,
      options.stop,
    );
    tracked = true;
    const parts = { experiment, original, runId, runDir, backend, data, gan, state, tracker, warn };
    return await trainAndRecord(parts, { options, resumed: previousTracking !== undefined, releaseReserve });
  } catch (error) {
    // A new run refused before its MLflow run existed leaves no folder behind.
    if (!checkpointDir && !tracked) await rm(runDir, { recursive: true, force: true }).catch(() => {});
    throw error;
  } finally {
    await releaseReserve();
    await unlock?.();
    gan.generator.dispose();
    gan.discriminator.dispose();
    gan.optimizers.generator.dispose();
    gan.optimizers.discriminator.dispose();
  }
}

/** Starts the run's tracking record, or reopens it to resume; refused before anything was trained. */
async function openTracking(
  experiment: ResolvedExperiment,
  original: ResolvedExperiment,
  runId: string,
  runDir: string,
  backend: string,
  warn: (line: string) => void,
  previousTracking?: { store: string; runId?: string },
  stop?: AbortSignal,
): Promise<Tracker> {
  try {
    return previousTracking
      ? await resumeTracking(previousTracking, runDir, warn)
      : await startTracking(
          experiment.tracking,
          {
            experiment: experiment.tracking.experiment ?? experiment.name,
            runName: experiment.tracking.run_name ?? runId,
            tags: systemTags(shareable(original), runDir, backend),
            folder: runDir,
            stop,
          },
          warn,
        );
  } catch (error) {
    // Refused before anything was trained (a bad URI, wrong credentials, a broken store); execute() removes the
    // folder of a new run.
    const store = trackingStore(experiment.tracking);
    if ((error as Error).name === 'YAMLParseError' && store.kind === 'local') {
      const broken = (await brokenMetaFile(resolve(store.folder))) ?? `a meta.yaml in ${resolve(store.folder)}`;
      throw new GxError(
        'TRACKING_STORE_BROKEN',
        `${broken}: not valid YAML (${(error as Error).message.split('\n')[0]})`,
        'repair it, or move its folder out of the MLflow store (MLflow cannot read it either)',
      );
    }
    throw error;
  }
}

/** The first meta.yaml of a local MLflow store (an experiment's or a run's) that is not valid YAML. */
async function brokenMetaFile(store: string): Promise<string | undefined> {
  for (const id of await readdir(store).catch(() => [])) {
    const runs = await readdir(join(store, id)).catch(() => []);
    for (const meta of [join(store, id, 'meta.yaml'), ...runs.map((run) => join(store, id, run, 'meta.yaml'))]) {
      const text = await readFile(meta, 'utf8').catch(() => undefined);
      if (text !== undefined && parseDocument(text).errors.length > 0) return meta;
    }
  }
  return undefined;
}

interface RunParts {
  experiment: ResolvedExperiment;
  original: ResolvedExperiment;
  runId: string;
  runDir: string;
  backend: string;
  data: ImageSet;
  gan: Gan;
  state: TrainingState;
  tracker: Tracker;
  warn: (line: string) => void;
}

/**
 * Trains with the tracking record open. Whatever goes wrong from here on ends the run FAILED, in run.json and in
 * MLflow (with the error as gx.error), after keeping what can be kept: the metrics in hand, and a checkpoint of
 * what was trained when the failure came from the environment (a full disk) between two steps.
 */
async function trainAndRecord(
  parts: RunParts,
  { options, resumed, releaseReserve }: { options: RunOptions; resumed: boolean; releaseReserve: () => Promise<void> },
): Promise<RunResult> {
  const { experiment, original, runId, runDir, backend, data, gan, state, tracker, warn } = parts;
  const checkpointDir = join(runDir, 'checkpoint');
  const historyFile = join(runDir, 'history.jsonl');
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
  const progress = options.progress
    ? createProgress(plannedSteps({ data, train: experiment.train }), experiment.train.epochs)
    : undefined;
  const samples = fixedLatent(experiment.model, experiment.seed);
  let evaluation: Evaluation | undefined;
  let history: string[] = [];
  let points: MetricPoint[] = [];
  let last: StepMetrics = {};
  let lastFlush = Date.now();
  // Whether training stands between two steps (in a hook, or done): a checkpoint of it then is a true one.
  let betweenSteps = false;

  // MLflow keeps every value logged: a step trained again after a resume is not logged again (see logged-steps.ts).
  let logged = resumed ? await loggedSteps(record.tracking, runDir) : new Map<string, number>();
  let loggedUnsure = false;
  const track = async (batch: MetricPoint[]) => {
    // A failed write may have reached part of the store: read again what it holds.
    if (loggedUnsure) logged = await loggedSteps({ store: tracker.store, runId: tracker.runId }, runDir);
    const fresh = batch.filter(({ key, step }) => step > (logged.get(key) ?? -1));
    loggedUnsure = true;
    await tracker.logMetrics(fresh);
    loggedUnsure = false;
    for (const { key, step } of fresh) logged.set(key, Math.max(step, logged.get(key) ?? -1));
  };
  // Metrics are kept in memory for up to 100 steps or 5 seconds and written in one go, off the step path. A batch
  // is taken out before it is written and put back if the write fails: never written twice, never dropped.
  const flushHistory = async () => {
    const lines = history;
    history = [];
    await appendRecord(historyFile, lines).catch((error) => {
      history = lines.concat(history);
      throw error;
    });
    const batch = points;
    points = [];
    if (batch.length > 0) {
      await track(batch).catch((error) => {
        points = batch.concat(points);
        throw error;
      });
    }
    lastFlush = Date.now();
  };
  let checkpointedAt = -1;
  const checkpoint = async () => {
    if (checkpointedAt === state.step) return; // the end of an epoch that is also the end of the run
    await flushHistory();
    // The steps a checkpoint says are done are on disk first: a resume never finds fewer.
    await syncRecord(historyFile);
    await saveCheckpoint(checkpointDir, gan, state);
    checkpointedAt = state.step;
  };
  let evaluatedAt = -1;
  const lastEvaluation: Record<string, number> = {};
  const evaluate = async (epoch: number) => {
    if (!evaluation || evaluatedAt === state.step) return;
    evaluatedAt = state.step;
    const metrics = evaluation.evaluate(gan.generator);
    await appendRecord(join(runDir, 'eval.jsonl'), [JSON.stringify({ step: state.step, epoch, ...metrics })]);
    const timestamp = Date.now();
    await track(Object.entries(metrics).map(([key, value]) => ({ key, value, step: state.step, timestamp })));
    if (options.progress) process.stderr.write(`evaluation at step ${state.step}: ${formatMetrics(metrics)}\n`);
    Object.assign(lastEvaluation, metrics);
  };
  const saveSamples = async (name: string) => {
    const grid = sampleGrid(gan.generator, samples);
    const file = join(runDir, 'samples', `${name}.png`);
    await writeFileAtomic(file, encodePng(grid));
    await tracker.logArtifact(file, 'samples');
    await tracker.logImage('samples', state.step, grid);
  };

  try {
    if (!resumed) await tracker.logParams(flattenParams(shareable(experiment)));
    const evalConfig = experiment.eval?.enabled === false ? undefined : experiment.eval;
    evaluation = evalConfig && (await prepareEvaluation(experiment, evalConfig, warn));
    if (evaluation && !resumed) {
      // The floor, once per run: the classifier's test accuracy and real training images measured as G's will be.
      const timestamp = Date.now();
      await track(Object.entries(evaluation.floor).map(([key, value]) => ({ key, value, step: 0, timestamp })));
    }
    await writeFileAtomic(join(runDir, 'run.json'), JSON.stringify({ ...record, status: 'RUNNING' }, null, 2));
    if (!resumed)
      await writeFileAtomic(
        join(runDir, 'experiment.yaml'),
        `# Resolved by gx ${gxVersion}: every default filled in.\n${stringify(shareable(original))}`,
      );

    await train({ gan, data, model: experiment.model, train: experiment.train, seed: experiment.seed }, state, {
      async step(current, metrics) {
        betweenSteps = true;
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
        const everySteps = evalConfig?.every_steps ?? 0;
        if (everySteps > 0 && current.step % everySteps === 0) await evaluate(current.epoch);
        betweenSteps = false;
      },
      async epochEnd(current, means) {
        betweenSteps = true;
        progress?.epoch(current.epoch, means);
        const { sample_every, checkpoint_every } = experiment.train;
        if (evalConfig && evalConfig.every > 0 && current.epoch % evalConfig.every === 0) await evaluate(current.epoch);
        if (sample_every > 0 && current.epoch % sample_every === 0) await saveSamples(`epoch-${pad(current.epoch)}`);
        if (checkpoint_every > 0 && current.epoch % checkpoint_every === 0) await checkpoint();
        betweenSteps = false;
      },
      shouldStop: options.shouldStop,
    });
    betweenSteps = true;
    progress?.clear();
    await flushHistory();
    await saveSamples(`step-${pad(state.step, 6)}`);
    await checkpoint();
    await saveLayersModel(gan.generator, join(runDir, 'model'));
    await evaluate(state.epoch);
    for (const artifact of ['experiment.yaml', 'model', 'checkpoint'])
      await tracker.logArtifact(join(runDir, artifact));
    const status = options.shouldStop?.() ? 'STOPPED' : 'FINISHED';
    await tracker.end(status === 'STOPPED' ? 'KILLED' : 'FINISHED');
    record.tracking.runId = tracker.runId;
    await writeFileAtomic(
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
  } catch (thrown) {
    const error = describeSystemError(thrown) ?? (thrown as Error);
    progress?.clear();
    // A full disk: the reserve makes room to record the end of the run.
    await releaseReserve();
    const keep = async (what: string, action: () => Promise<void>) => {
      try {
        await action();
        return true;
      } catch (failure) {
        warn(`could not ${what}: ${(describeSystemError(failure) ?? (failure as Error)).message}`);
        return false;
      }
    };
    const recorded = await keep('write the last metrics', flushHistory);
    // Only a failure of the environment, between steps, leaves a state worth a checkpoint (not a diverged one).
    if (recorded && betweenSteps && error !== thrown) await keep('save a checkpoint', checkpoint);
    await keep('record the error in MLflow', () => tracker.setTags({ 'gx.error': error.message }));
    await keep('mark the MLflow run FAILED', () => tracker.end('FAILED'));
    record.tracking.runId = tracker.runId;
    await keep('write run.json', () =>
      writeFileAtomic(
        join(runDir, 'run.json'),
        JSON.stringify({ ...record, status: 'FAILED', error: error.message, state }, null, 2),
      ),
    );
    throw error;
  } finally {
    disposeLatent(samples);
    evaluation?.dispose();
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
  checkLabels(set, experiment.model.num_classes);
  return firstExamples(set, experiment.data.limit);
}

/** A conditional model embeds each label: one past its classes would be read out of bounds, silently. */
function checkLabels(set: ImageSet, classes: number): void {
  if (classes === 0) return;
  const at = set.labels.findIndex((label) => label >= classes);
  if (at < 0) return;
  throw new GxError(
    'DATA_LABELS',
    `${set.files[1]?.path ?? set.dataset}: label ${set.labels[at]} (example ${at}) is not a class of the model: model.num_classes is ${classes}`,
    `set model.num_classes to ${Math.max(...set.labels) + 1} (labels 0 to ${Math.max(...set.labels)}), or 0 for an unconditional GAN`,
  );
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

/** A run folder's run.json. */
async function readRunRecord(runDir: string) {
  const file = join(runDir, 'run.json');
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new GxError('RUN_UNREADABLE', `${file}: ${(error as Error).message}`, 'is it a run folder of gx?');
  }
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

import { randomUUID } from 'node:crypto';
import { appendFile, cp, mkdir, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { parse, stringify } from 'yaml';
import { writeFileAtomic } from '../atomic-files.js';
import { GxError } from '../errors.js';
import { assertMlflowKey } from '../mlflow-names.js';
import { STATUS_CODES } from './run-status.js';
import { LOGGED_IMAGES_TAG, stepImageFiles } from './step-images.js';
import type { MetricPoint, Tracker } from './tracker.js';
import { EXPERIMENT_KIND_TAG } from './ui-links.js';

/** MLflow's SourceType.LOCAL. */
const SOURCE_LOCAL = 4;

export interface NewLocalRun {
  experiment: string;
  runName: string;
  tags: Record<string, string>;
}

/**
 * A run in MLflow's file-store layout (stable since MLflow 1.x): <root>/<experiment id>/meta.yaml, and per run
 * meta.yaml, metrics/<key> ("<timestamp> <value> <step>" lines), params/<key>, tags/<key>, artifacts/.
 * MLflow reads it with MLFLOW_ALLOW_FILE_STORE=true (`mlflow ui --backend-store-uri ./mlruns`).
 */
export async function createLocalRun(rootPath: string, run: NewLocalRun): Promise<Tracker> {
  const root = resolve(rootPath);
  const experimentId = await experimentIdFor(root, run.experiment);
  const runId = randomUUID().replaceAll('-', '');
  const folder = join(root, experimentId, runId);
  await Promise.all(
    ['metrics', 'params', 'tags', 'artifacts'].map((sub) => mkdir(join(folder, sub), { recursive: true })),
  );
  const meta = {
    artifact_uri: pathToFileURL(join(folder, 'artifacts')).href,
    end_time: null,
    entry_point_name: '',
    experiment_id: experimentId,
    lifecycle_stage: 'active',
    run_id: runId,
    run_name: run.runName,
    run_uuid: runId,
    source_name: '',
    source_type: SOURCE_LOCAL,
    source_version: '',
    start_time: Date.now(),
    status: STATUS_CODES.RUNNING,
    tags: [],
    user_id: run.tags['mlflow.user'] ?? '',
  };
  await writeFileAtomic(join(folder, 'meta.yaml'), stringify(meta));
  const tracker = localTracker(root, folder, runId, experimentId);
  await tracker.setTags({ ...run.tags, 'mlflow.runName': run.runName });
  return tracker;
}

/** Reopens a run of the local store (to resume it), marking it RUNNING again. */
export async function reopenLocalRun(rootPath: string, runId: string): Promise<Tracker> {
  const root = resolve(rootPath);
  for (const experimentId of await readdir(root).catch(() => [])) {
    const folder = join(root, experimentId, runId);
    const meta = await readFile(join(folder, 'meta.yaml'), 'utf8').catch(() => undefined);
    if (meta === undefined) continue;
    await writeFileAtomic(
      join(folder, 'meta.yaml'),
      stringify({ ...parse(meta), status: STATUS_CODES.RUNNING, end_time: null }),
    );
    return localTracker(root, folder, runId, experimentId);
  }
  throw new GxError(
    'TRACKING_RUN_NOT_FOUND',
    `no run ${runId} in ${root}`,
    'resume in the folder the run was started in',
  );
}

function localTracker(root: string, folder: string, runId: string, experimentId: string): Tracker {
  // Each key is a file name: only keys MLflow accepts, which cannot lead out of the run's folder (checked all
  // before any is written, so a bad one leaves nothing half-done).
  const writeKeys = async (kind: 'param' | 'tag', values: Record<string, string>) => {
    for (const key of Object.keys(values)) assertMlflowKey(key, kind);
    for (const [key, value] of Object.entries(values)) {
      const path = join(folder, `${kind}s`, key);
      await mkdir(join(path, '..'), { recursive: true }); // keys may hold '/'
      // The temporary file lives in the run's folder: MLflow would take one in tags/ for a tag.
      await writeFileAtomic(path, value, folder);
    }
  };
  return {
    runId,
    experimentId,
    store: root,
    logParams: (params) => writeKeys('param', params),
    setTags: (tags) => writeKeys('tag', tags),
    async logMetrics(points: MetricPoint[]) {
      for (const { key } of points) assertMlflowKey(key, 'metric');
      const byKey = new Map<string, string[]>();
      for (const { key, value, step, timestamp } of points) {
        byKey.set(key, [...(byKey.get(key) ?? []), `${timestamp} ${value} ${step}\n`]);
      }
      for (const [key, lines] of byKey) await appendFile(join(folder, 'metrics', key), lines.join(''));
    },
    async logArtifact(localPath, artifactPath = '') {
      await cp(localPath, join(folder, 'artifacts', artifactPath, basename(localPath)), {
        recursive: true,
        force: true,
      });
    },
    async logImage(key, step, image) {
      assertMlflowKey(key, 'metric');
      await mkdir(join(folder, 'artifacts', 'images'), { recursive: true });
      for (const { name, bytes } of await stepImageFiles(key, step, image))
        await writeFile(join(folder, 'artifacts', 'images', name), bytes);
      await writeKeys('tag', { [LOGGED_IMAGES_TAG]: 'True' });
    },
    // MLflow's file store keeps datasets and logged models in layouts of their own, which gx does not write: the
    // model is the run's model/ artifact.
    logDataset: async () => {},
    logModel: async () => {},
    async end(status) {
      const meta = parse(await readFile(join(folder, 'meta.yaml'), 'utf8'));
      await writeFileAtomic(
        join(folder, 'meta.yaml'),
        stringify({ ...meta, status: STATUS_CODES[status], end_time: Date.now() }),
      );
    },
  };
}

/** The id of the experiment named `name`, created (as MLflow's file store would) when there is none. */
async function experimentIdFor(root: string, name: string): Promise<string> {
  await mkdir(root, { recursive: true });
  const found = await findExperiment(root, name);
  if (found !== undefined) return found;
  // Looking for the name and taking the next id is one step for every gx on this store: otherwise two new
  // experiments could get one id, or one name two ids.
  return withCreationLock(root, async () => {
    const again = await findExperiment(root, name);
    if (again !== undefined) return again;
    // Ids are strings of digits, MLflow's own 18 long: too big for a JS number.
    let id = (await experimentIds(root)).reduce((max, id) => (BigInt(id) > max ? BigInt(id) : max), 0n) + 1n;
    // The folder is the claim: mkdir fails if something that does not take the lock (MLflow) made it meanwhile.
    while (
      !(await mkdir(join(root, String(id))).then(
        () => true,
        (error) => ignore(error, 'EEXIST'),
      ))
    )
      id++;
    const now = Date.now();
    const meta = {
      artifact_location: pathToFileURL(join(root, String(id))).href,
      creation_time: now,
      experiment_id: String(id),
      last_update_time: now,
      lifecycle_stage: 'active',
      name,
    };
    await writeFileAtomic(join(root, String(id), 'meta.yaml'), stringify(meta));
    await mkdir(join(root, String(id), 'tags'));
    const tag = join(root, String(id), 'tags', EXPERIMENT_KIND_TAG.key);
    await writeFileAtomic(tag, EXPERIMENT_KIND_TAG.value, join(root, String(id)));
    return String(id);
  });
}

async function experimentIds(root: string): Promise<string[]> {
  return (await readdir(root)).filter((entry) => /^\d+$/.test(entry));
}

async function findExperiment(root: string, name: string): Promise<string | undefined> {
  for (const id of await experimentIds(root)) {
    const meta = await readFile(join(root, id, 'meta.yaml'), 'utf8').catch(() => undefined);
    if (meta !== undefined && parse(meta)?.name === name) return id;
  }
  return undefined;
}

/** A lock file beside the experiments (MLflow lists only folders there), held for the few ms a creation takes. */
const LOCK_FILE = '.gx-create-experiment.lock';
/** A lock older than this was left by a process that died while it held it. */
const STALE_LOCK_MS = 10_000;

async function withCreationLock<T>(root: string, create: () => Promise<T>): Promise<T> {
  const lock = join(root, LOCK_FILE);
  for (const deadline = Date.now() + 60_000; ; ) {
    const taken = await open(lock, 'wx').then(
      (file) => file.close().then(() => true),
      (error) => ignore(error, 'EEXIST'),
    );
    if (taken) break;
    const since = await stat(lock).then(
      (found) => Date.now() - found.mtimeMs,
      () => 0,
    );
    if (since > STALE_LOCK_MS) await rm(lock, { force: true });
    else if (Date.now() > deadline) {
      throw new GxError(
        'TRACKING_STORE_LOCKED',
        `${lock} has been held for a minute`,
        'if no other gx is creating an experiment in this store, remove the file',
      );
    } else await sleep(5 + Math.random() * 20);
  }
  try {
    return await create();
  } finally {
    await rm(lock, { force: true });
  }
}

/** false for the error `code` expected, which the caller handles; any other error is thrown. */
function ignore(error: unknown, code: string): false {
  if ((error as NodeJS.ErrnoException).code === code) return false;
  throw error;
}

import { randomUUID } from 'node:crypto';
import { appendFile, cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse, stringify } from 'yaml';
import { GxError } from '../errors.js';
import { LOGGED_IMAGES_TAG, stepImageFiles } from './step-images.js';
import type { MetricPoint, RunStatus, Tracker } from './tracker.js';

/** MLflow's run status codes in meta.yaml (mlflow.entities.RunStatus). */
const STATUS_CODES: Record<RunStatus, number> = { RUNNING: 1, FINISHED: 3, FAILED: 4, KILLED: 5 };
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
  await writeFile(join(folder, 'meta.yaml'), stringify(meta));
  const tracker = localTracker(root, folder, runId);
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
    await writeFile(
      join(folder, 'meta.yaml'),
      stringify({ ...parse(meta), status: STATUS_CODES.RUNNING, end_time: null }),
    );
    return localTracker(root, folder, runId);
  }
  throw new GxError(
    'TRACKING_RUN_NOT_FOUND',
    `no run ${runId} in ${root}`,
    'resume in the folder the run was started in',
  );
}

function localTracker(root: string, folder: string, runId: string): Tracker {
  const writeKeys = async (sub: string, values: Record<string, string>) => {
    for (const [key, value] of Object.entries(values)) {
      const path = join(folder, sub, key);
      await mkdir(join(path, '..'), { recursive: true }); // keys may hold '/'
      await writeFile(path, value);
    }
  };
  return {
    runId,
    store: root,
    logParams: (params) => writeKeys('params', params),
    setTags: (tags) => writeKeys('tags', tags),
    async logMetrics(points: MetricPoint[]) {
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
      await mkdir(join(folder, 'artifacts', 'images'), { recursive: true });
      for (const { name, bytes } of stepImageFiles(key, step, image))
        await writeFile(join(folder, 'artifacts', 'images', name), bytes);
      await writeKeys('tags', { [LOGGED_IMAGES_TAG]: 'True' });
    },
    async end(status) {
      const meta = parse(await readFile(join(folder, 'meta.yaml'), 'utf8'));
      await writeFile(
        join(folder, 'meta.yaml'),
        stringify({ ...meta, status: STATUS_CODES[status], end_time: Date.now() }),
      );
    },
  };
}

/** The id of the experiment named `name`, created (as MLflow's file store would) when there is none. */
async function experimentIdFor(root: string, name: string): Promise<string> {
  await mkdir(root, { recursive: true });
  const ids = (await readdir(root)).filter((entry) => /^\d+$/.test(entry));
  for (const id of ids) {
    const meta = await readFile(join(root, id, 'meta.yaml'), 'utf8').catch(() => undefined);
    if (meta !== undefined && parse(meta)?.name === name) return id;
  }
  const id = String(Math.max(0, ...ids.map(Number)) + 1);
  const now = Date.now();
  await mkdir(join(root, id), { recursive: true });
  const meta = {
    artifact_location: pathToFileURL(join(root, id)).href,
    creation_time: now,
    experiment_id: id,
    last_update_time: now,
    lifecycle_stage: 'active',
    name,
  };
  await writeFile(join(root, id, 'meta.yaml'), stringify(meta));
  return id;
}

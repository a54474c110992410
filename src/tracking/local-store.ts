import { randomUUID } from 'node:crypto';
import { appendFile, cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse, stringify } from 'yaml';
import { writeFileAtomic } from '../atomic-files.js';
import { GxError } from '../errors.js';
import { assertMlflowKey } from '../mlflow-names.js';
import { experimentIdFor } from './local-experiments.js';
import { STATUS_CODES } from './run-status.js';
import { LOGGED_IMAGES_TAG, stepImageFiles } from './step-images.js';
import type { MetricPoint, Tracker } from './tracker.js';

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

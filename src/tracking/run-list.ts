import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { GxError } from '../errors.js';
import { connectMlflow } from './mlflow-http.js';
import type { TrackingStore } from './open.js';

export interface RunSummary {
  runId: string;
  runName: string;
  experiment: string;
  status: string;
  /** Milliseconds since the epoch. */
  startTime: number;
  params: Record<string, string>;
  /** Each metric's latest value. */
  metrics: Record<string, number>;
}

/** The newest `limit` runs of a store (of one experiment when named), newest first: what `gx runs` tabulates. */
export async function listRuns(store: TrackingStore, experiment?: string, limit = 1000): Promise<RunSummary[]> {
  const runs =
    store.kind === 'server' ? await serverRuns(store, experiment, limit) : await localRuns(store.folder, experiment);
  return runs.sort((a, b) => b.startTime - a.startTime).slice(0, limit);
}

async function serverRuns(
  { uri, login }: Extract<TrackingStore, { kind: 'server' }>,
  experiment: string | undefined,
  limit: number,
): Promise<RunSummary[]> {
  type Pair<V> = { key: string; value: V };
  type Run = {
    info: { run_id: string; run_name?: string; experiment_id: string; status: string; start_time: number };
    data: { params?: Pair<string>[]; metrics?: Pair<number>[]; tags?: Pair<string>[] };
  };
  const http = connectMlflow(uri, process.env, login);
  try {
    const { experiments = [] } = await http.call<{ experiments?: { experiment_id: string; name: string }[] }>(
      'POST',
      'experiments/search',
      { max_results: 1000 },
    );
    const chosen = experiments.filter((e) => experiment === undefined || e.name === experiment);
    if (chosen.length === 0) return noExperiment(experiment, http.uri);
    const names = new Map(chosen.map((e) => [e.experiment_id, e.name]));
    const { runs = [] } = await http.call<{ runs?: Run[] }>('POST', 'runs/search', {
      experiment_ids: [...names.keys()],
      order_by: ['attributes.start_time DESC'],
      max_results: limit,
    });
    const record = <V>(pairs: Pair<V>[] = []) => Object.fromEntries(pairs.map(({ key, value }) => [key, value]));
    return runs.map(({ info, data }) => ({
      runId: info.run_id,
      runName: info.run_name ?? record(data.tags)['mlflow.runName'] ?? info.run_id,
      experiment: names.get(info.experiment_id) ?? info.experiment_id,
      status: info.status,
      startTime: Number(info.start_time),
      params: record(data.params),
      metrics: record(data.metrics),
    }));
  } finally {
    await http.close();
  }
}

/** The id of the experiment named `name` in a store; an error naming the store when there is none. */
export async function experimentIdOf(store: TrackingStore, name: string): Promise<string> {
  if (store.kind === 'server') {
    const http = connectMlflow(store.uri, process.env, store.login);
    try {
      type Found = { experiment: { experiment_id: string } };
      return (await http.call<Found>('GET', 'experiments/get-by-name', { experiment_name: name })).experiment
        .experiment_id;
    } catch (error) {
      if ((error as { errorCode?: string }).errorCode === 'RESOURCE_DOES_NOT_EXIST') noExperiment(name, http.uri);
      throw error;
    } finally {
      await http.close();
    }
  }
  const root = resolve(store.folder);
  for (const id of await readdir(root).catch(() => [] as string[])) {
    const meta = parse(await readFile(join(root, id, 'meta.yaml'), 'utf8').catch(() => 'null'));
    if (meta?.name === name && meta.lifecycle_stage !== 'deleted') return id;
  }
  return noExperiment(name, root);
}

/** Reads MLflow's file-store layout (see local-store.ts). */
async function localRuns(folder: string, experiment?: string): Promise<RunSummary[]> {
  const root = resolve(folder);
  const entries = async (path: string) => readdir(path).catch(() => [] as string[]);
  const yaml = async (path: string) => parse(await readFile(path, 'utf8').catch(() => 'null'));
  const runs: RunSummary[] = [];
  let found = false;
  for (const id of await entries(root)) {
    const meta = await yaml(join(root, id, 'meta.yaml'));
    if (!meta?.name || meta.lifecycle_stage === 'deleted' || (experiment !== undefined && meta.name !== experiment))
      continue;
    found = true;
    for (const runId of await entries(join(root, id))) {
      const runMeta = await yaml(join(root, id, runId, 'meta.yaml'));
      if (!runMeta?.run_id) continue;
      const values = async (sub: string): Promise<Record<string, string>> => {
        const keys = await entries(join(root, id, runId, sub));
        return Object.fromEntries(
          await Promise.all(keys.map(async (key) => [key, await readFile(join(root, id, runId, sub, key), 'utf8')])),
        );
      };
      const metricLines = await values('metrics');
      runs.push({
        runId: runMeta.run_id,
        runName: runMeta.run_name,
        experiment: meta.name,
        status: STATUS_NAMES[runMeta.status] ?? String(runMeta.status),
        startTime: runMeta.start_time,
        params: await values('params'),
        // Each line is "<timestamp> <value> <step>": the latest is the last line.
        metrics: Object.fromEntries(
          Object.entries(metricLines).map(([key, text]) => [
            key,
            Number(text.trim().split('\n').at(-1)?.split(' ')[1]),
          ]),
        ),
      });
    }
  }
  return found ? runs : noExperiment(experiment, root);
}

const STATUS_NAMES: Record<number, string> = { 1: 'RUNNING', 2: 'SCHEDULED', 3: 'FINISHED', 4: 'FAILED', 5: 'KILLED' };

function noExperiment(experiment: string | undefined, where: string): never {
  throw new GxError(
    'TRACKING_EXPERIMENT_NOT_FOUND',
    experiment === undefined ? `no experiments in ${where}` : `no experiment "${experiment}" in ${where}`,
    '`gx run <experiment.yaml>` records one; set MLFLOW_TRACKING_URI to look at a server',
  );
}

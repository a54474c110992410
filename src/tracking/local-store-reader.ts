import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { experimentMeta, findExperimentId } from './local-experiments.js';
import { statusName } from './run-status.js';
import { DEFAULT_RUN_LIMIT, noExperiment, type RunFilter, type StoredRun, type StoreReader } from './store-reader.js';

/** Reads MLflow's file-store layout (see local-store.ts) under `folder`. */
export function localStoreReader(folder: string): StoreReader {
  const root = resolve(folder);
  const runFolder = (run: StoredRun) => join(root, run.experimentId, run.runId);
  return {
    where: root,
    async experimentId(name) {
      return (await findExperimentId(root, name)) ?? noExperiment(name, root);
    },
    async listRuns({ experiment, limit = DEFAULT_RUN_LIMIT }: RunFilter = {}) {
      const runs: StoredRun[] = [];
      let found = false;
      for (const id of await entries(root)) {
        const meta = await experimentMeta(root, id);
        if (!meta?.name || meta.lifecycle_stage === 'deleted' || (experiment !== undefined && meta.name !== experiment))
          continue;
        found = true;
        for (const runId of await entries(join(root, id))) {
          const run = await readRun(join(root, id, runId), meta.name, id);
          if (run) runs.push(run);
        }
      }
      if (!found) noExperiment(experiment, root);
      return runs.sort((a, b) => b.startTime - a.startTime).slice(0, limit);
    },
    async metricHistory(run, key) {
      const text = await readFile(join(runFolder(run), 'metrics', key), 'utf8').catch(() => '');
      return metricLines(text).map(([, value, step]) => ({ step: Number(step), value: Number(value) }));
    },
    listArtifacts: (run, path) => entries(join(runFolder(run), 'artifacts', path)),
    readArtifact: (run, path) => readFile(join(runFolder(run), 'artifacts', path)),
    close: async () => {},
  };
}

/** A run's folder as a listed run; undefined for what is not a run, or a deleted one. */
async function readRun(folder: string, experiment: string, experimentId: string): Promise<StoredRun | undefined> {
  const meta = parse(await readFile(join(folder, 'meta.yaml'), 'utf8').catch(() => 'null'));
  if (!meta?.run_id || meta.lifecycle_stage === 'deleted') return undefined;
  const values = async (sub: string): Promise<Record<string, string>> => {
    const keys = await entries(join(folder, sub));
    return Object.fromEntries(
      await Promise.all(keys.map(async (key) => [key, await readFile(join(folder, sub, key), 'utf8')])),
    );
  };
  const metricTexts = await values('metrics');
  return {
    runId: meta.run_id,
    runName: meta.run_name ?? meta.run_id,
    experiment,
    experimentId,
    status: statusName(meta.status),
    startTime: Number(meta.start_time),
    params: await values('params'),
    // The latest value is the last line's.
    metrics: Object.fromEntries(
      Object.entries(metricTexts).map(([key, text]) => [key, Number(metricLines(text).at(-1)?.[1])]),
    ),
    artifactUri: meta.artifact_uri,
  };
}

/** A metric file's lines, each "<timestamp> <value> <step>", split. */
function metricLines(text: string): string[][] {
  return text
    .trim()
    .split('\n')
    .map((line) => line.split(' '));
}

async function entries(path: string): Promise<string[]> {
  return readdir(path).catch(() => [] as string[]);
}

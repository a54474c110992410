import type { Login } from '../uri-credentials.js';
import { connectMlflow } from './mlflow-http.js';
import { findExperimentId } from './server-experiments.js';
import {
  DEFAULT_RUN_LIMIT,
  type LoggedValue,
  noExperiment,
  type RunFilter,
  type StoredRun,
  type StoreReader,
} from './store-reader.js';

type Pair<V> = { key: string; value: V };
type Run = {
  info: {
    run_id: string;
    run_name?: string;
    experiment_id: string;
    status: string;
    start_time: number;
    artifact_uri: string;
  };
  data: { params?: Pair<string>[]; metrics?: Pair<number>[]; tags?: Pair<string>[] };
};

/** Reads an MLflow server's runs over its REST API, signed in as connectMlflow says. */
export function serverStoreReader(uri: string, login?: Login): StoreReader {
  const http = connectMlflow(uri, process.env, login);
  const experimentId = async (name: string) => (await findExperimentId(http, name)) ?? noExperiment(name, http.uri);
  /** The experiments to list, by id: the one named, or every one. */
  const experimentNames = async (experiment?: string): Promise<Map<string, string>> => {
    if (experiment !== undefined) return new Map([[await experimentId(experiment), experiment]]);
    type Found = { experiments?: { experiment_id: string; name: string }[] };
    const { experiments = [] } = await http.call<Found>('POST', 'experiments/search', { max_results: 1000 });
    if (experiments.length === 0) noExperiment(undefined, http.uri);
    return new Map(experiments.map((e) => [e.experiment_id, e.name]));
  };
  return {
    where: http.uri,
    experimentId,
    async listRuns({ experiment, limit = DEFAULT_RUN_LIMIT }: RunFilter = {}) {
      const names = await experimentNames(experiment);
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
        experimentId: info.experiment_id,
        status: info.status,
        startTime: Number(info.start_time),
        params: record(data.params),
        metrics: record(data.metrics),
        artifactUri: info.artifact_uri,
      }));
    },
    async metricHistory(run, key): Promise<LoggedValue[]> {
      type History = { metrics?: { step?: string | number; value: number | string }[] };
      const { metrics = [] } = await http.call<History>('GET', 'metrics/get-history', {
        run_id: run.runId,
        metric_key: key,
        max_results: 25000,
      });
      return metrics.map(({ step, value }) => ({ step: Number(step ?? 0), value: Number(value) }));
    },
    async listArtifacts(run, path) {
      const { files = [] } = await http.call<{ files?: { path: string }[] }>('GET', 'artifacts/list', {
        run_id: run.runId,
        path,
      });
      return files.map((file) => file.path.slice(path.length + 1));
    },
    readArtifact: (run, path) => http.download(`${artifactRoot(run)}/${path}`),
    close: () => http.close(),
  };
}

/** The proxy's address of a run's artifacts: mlflow-artifacts:/<experiment>/<run>/artifacts (or with a host). */
function artifactRoot(run: StoredRun): string {
  return new URL(run.artifactUri).pathname.replace(/^\/+/, '');
}

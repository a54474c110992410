import type { Login } from '../uri-credentials.js';
import { LATEST_CHECKPOINT_TAG, restoreSnapshot, type SnapshotManifest } from './checkpoint-snapshot.js';
import { MlflowError } from './mlflow-error.js';
import { connectMlflow, type MlflowHttp } from './mlflow-http.js';
import { Outbox } from './outbox.js';
import { findExperimentId } from './server-experiments.js';

/** A run a previous attempt of the same work made on the server, now this machine's to continue. */
export interface TakenOverRun {
  runId: string;
  experimentId: string;
  runName: string;
  /** The snapshot restored as the checkpoint; none when the run never had one (it trains again from the start). */
  checkpoint?: SnapshotManifest;
}

type Pair<V> = { key: string; value: V };
type Run = {
  info: { run_id: string; run_name?: string; start_time: number; artifact_uri: string; status: string };
  data: { metrics?: (Pair<number> & { step?: number | string; timestamp?: number | string })[]; tags?: Pair<string>[] };
};

/**
 * Finds the server's run that carries `uid` (gx.run_uid) and makes it this machine's, sharing nothing with the one
 * that made it: a journal in `journalDir` that knows the run (as if this machine had started it) and, per metric,
 * the last step the server holds (its latest metrics, which MLflow takes from the metric history at the highest
 * step), so a resume logs no step twice; and its latest complete checkpoint snapshot in `checkpointDir`. Undefined
 * when the server has no such run: the work starts a new one.
 */
export async function takeOverServerRun(
  server: { uri: string; login?: Login },
  run: { experiment: string; uid: string },
  journalDir: string,
  checkpointDir: string,
): Promise<TakenOverRun | undefined> {
  const http = connectMlflow(server.uri, process.env, server.login);
  try {
    const found = await uidRun(http, run);
    if (!found) return undefined;
    const {
      experimentId,
      run: { info, data },
    } = found;
    if (!info.artifact_uri.startsWith('mlflow-artifacts:')) {
      throw new MlflowError(
        `MLflow server at ${http.uri} does not proxy artifacts (the run's artifact URI is ${info.artifact_uri})`,
        'start it with artifact serving (the default of `mlflow server`; give --artifacts-destination)',
        400,
      );
    }
    const artifactRoot = new URL(info.artifact_uri).pathname.replace(/^\/+/, '');
    const tags = Object.fromEntries((data.tags ?? []).map(({ key, value }) => [key, value]));
    const runName = info.run_name ?? tags['mlflow.runName'] ?? info.run_id;
    const journal = Outbox.open(journalDir);
    journal.add({
      op: 'start',
      uri: http.uri,
      experiment: run.experiment,
      runName,
      startTime: Number(info.start_time),
      uid: run.uid,
      tags: {},
    });
    journal.acknowledge(1, { runId: info.run_id, experimentId, artifactRoot });
    const points = (data.metrics ?? []).map(({ key, value, step, timestamp }) => ({
      key,
      value: Number(value),
      step: Number(step ?? 0),
      timestamp: Number(timestamp ?? 0),
    }));
    if (points.length > 0) {
      journal.add({ op: 'metrics', points });
      journal.acknowledge(1);
    }
    const latest = tags[LATEST_CHECKPOINT_TAG];
    const checkpoint =
      latest === undefined
        ? undefined
        : await restoreSnapshot(latest, (path) => http.download(`${artifactRoot}/${path}`), checkpointDir);
    return { runId: info.run_id, experimentId, runName, checkpoint };
  } finally {
    await http.close();
  }
}

/** The experiment's run that carries `uid` (gx.run_uid), with the experiment's id; undefined when there is none. */
async function uidRun(http: MlflowHttp, { experiment, uid }: { experiment: string; uid: string }) {
  const experimentId = await findExperimentId(http, experiment);
  if (experimentId === undefined) return undefined;
  const { runs = [] } = await http.call<{ runs?: Run[] }>('POST', 'runs/search', {
    experiment_ids: [experimentId],
    filter: `tags.\`gx.run_uid\` = '${uid}'`,
    max_results: 1,
  });
  return runs[0] && { experimentId, run: runs[0] };
}

/**
 * Ends as FAILED, saying why in gx.error, the server's run that carries `uid` when it is still RUNNING: the work was
 * given up (each attempt crashed, or its workers died) and no process is left to end it. True when it did.
 */
export async function failGivenUpServerRun(
  server: { uri: string; login?: Login },
  run: { experiment: string; uid: string },
  reason: string,
): Promise<boolean> {
  const http = connectMlflow(server.uri, process.env, server.login);
  try {
    const found = (await uidRun(http, run))?.run;
    if (found?.info.status !== 'RUNNING') return false;
    await http.call('POST', 'runs/set-tag', {
      run_id: found.info.run_id,
      key: 'gx.error',
      value: reason.slice(0, 5000),
    });
    await http.call('POST', 'runs/update', { run_id: found.info.run_id, status: 'FAILED', end_time: Date.now() });
    return true;
  } finally {
    await http.close();
  }
}

import { findOrCreate } from './find-or-create.js';
import { tagList } from './log-batch.js';
import { MlflowError } from './mlflow-error.js';
import type { MlflowHttp } from './mlflow-http.js';
import type { CallOptions } from './mlflow-retry.js';
import type { Operation, ServerRun } from './outbox.js';
import { experimentIdFor } from './server-experiments.js';

/** Finds the run a start operation created (its answer may have been lost), or creates it, once. */
export async function createRun(
  http: MlflowHttp,
  start: Extract<Operation, { op: 'start' }>,
  options: CallOptions,
): Promise<ServerRun> {
  const experimentId = await experimentIdFor(http, start.experiment, options);
  type Run = { info: { run_id: string; artifact_uri: string } };
  const run = await findOrCreate(
    async (retried) => {
      const filter = `tags.\`gx.run_uid\` = '${start.uid}'`;
      const body = { experiment_ids: [experimentId], filter, max_results: 1 };
      return (await http.call<{ runs?: Run[] }>('POST', 'runs/search', body, retried)).runs?.[0];
    },
    async (once) => {
      const tags = tagList(start.tags);
      const body = { experiment_id: experimentId, run_name: start.runName, start_time: start.startTime, tags };
      return (await http.call<{ run: Run }>('POST', 'runs/create', body, once)).run;
    },
    options,
  );
  // The proxy's address for the run's artifacts: mlflow-artifacts:/<experiment>/<run>/artifacts (or with a host).
  const artifactUri = run.info.artifact_uri;
  if (!artifactUri.startsWith('mlflow-artifacts:')) {
    throw new MlflowError(
      `MLflow server at ${http.uri} does not proxy artifacts (the run's artifact URI is ${artifactUri})`,
      'start it with artifact serving (the default of `mlflow server`; give --artifacts-destination)',
      400,
    );
  }
  return {
    runId: run.info.run_id,
    experimentId,
    artifactRoot: new URL(artifactUri).pathname.replace(/^\/+/, ''),
  };
}

import { tagList } from './log-batch.js';
import { MlflowError } from './mlflow-error.js';
import type { MlflowHttp } from './mlflow-http.js';
import type { CallOptions } from './mlflow-retry.js';
import type { Operation, ServerRun } from './outbox.js';
import { experimentIdFor } from './server-experiments.js';

/** Finds the run a start operation created (its answer may have been lost), or creates it. */
export async function createRun(
  http: MlflowHttp,
  start: Extract<Operation, { op: 'start' }>,
  options: CallOptions,
): Promise<ServerRun> {
  const experimentId = await experimentIdFor(http, start.experiment, options);
  type Run = { info: { run_id: string; artifact_uri: string } };
  const found = await http.call<{ runs?: Run[] }>(
    'POST',
    'runs/search',
    { experiment_ids: [experimentId], filter: `tags.\`gx.run_uid\` = '${start.uid}'`, max_results: 1 },
    options,
  );
  const run =
    found.runs?.[0] ??
    (
      await http.call<{ run: Run }>(
        'POST',
        'runs/create',
        {
          experiment_id: experimentId,
          run_name: start.runName,
          start_time: start.startTime,
          tags: tagList(start.tags),
        },
        options,
      )
    ).run;
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

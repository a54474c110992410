import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { findOrCreate } from './find-or-create.js';
import { tagList } from './log-batch.js';
import type { MlflowHttp } from './mlflow-http.js';
import type { CallOptions } from './mlflow-retry.js';
import type { Operation, ServerRun } from './outbox.js';

/** MLflow's LoggedModelStatus.LOGGED_MODEL_READY (service.proto). */
const MODEL_READY = 2;
/** Params a LoggedModel takes at its creation; the rest go in a second request, as MLflow's client does. */
const CREATE_PARAMS = 100;

/** A run's dataset input (runs/log-inputs): the runs table's Dataset column. */
export async function sendDataset(
  http: MlflowHttp,
  run: ServerRun,
  { dataset }: Extract<Operation, { op: 'dataset' }>,
  options: CallOptions,
) {
  const { context, sourceType, ...fields } = dataset;
  await http.call(
    'POST',
    'runs/log-inputs',
    {
      run_id: run.runId,
      datasets: [
        {
          tags: [{ key: 'mlflow.data.context', value: context }],
          dataset: { ...fields, source_type: sourceType },
        },
      ],
    },
    options,
  );
}

/**
 * A LoggedModel the run produced, as MLflow's client logs one: created with the run as its source (found again by
 * its gx.model_uid tag if the answer to an earlier try was lost), its files uploaded to the model's own artifact
 * location through the proxy, finalized READY, and linked to the run as an output at its step.
 */
export async function sendModel(
  http: MlflowHttp,
  run: ServerRun,
  { path, model, uid }: Extract<Operation, { op: 'model' }>,
  options: CallOptions,
) {
  const experimentId = run.experimentId ?? run.artifactRoot.split('/')[0];
  type Model = { info: { model_id: string; artifact_uri: string } };
  const params = Object.entries(model.params).map(([key, value]) => ({ key, value }));
  let fresh = false;
  const created = await findOrCreate(
    async (retried) => {
      const filter = `tags.\`gx.model_uid\` = '${uid}'`;
      const body = { experiment_ids: [experimentId], filter, max_results: 1 };
      return (await http.call<{ models?: Model[] }>('POST', 'logged-models/search', body, retried)).models?.[0];
    },
    async (once) => {
      const body = {
        experiment_id: experimentId,
        name: model.name,
        model_type: model.modelType,
        source_run_id: run.runId,
        params: params.slice(0, CREATE_PARAMS),
        tags: tagList({ 'gx.model_uid': uid }),
      };
      const { model: made } = await http.call<{ model: Model }>('POST', 'logged-models', body, once);
      fresh = true;
      return made;
    },
    options,
  );
  if (fresh && params.length > CREATE_PARAMS) {
    const id = created.info.model_id;
    const rest = { model_id: id, params: params.slice(CREATE_PARAMS) };
    await http.call('POST', `logged-models/${encodeURIComponent(id)}/params`, rest, options);
  }
  const { model_id: modelId, artifact_uri: artifactUri } = created.info;
  // The proxy's address: mlflow-artifacts:/<experiment>/models/<model id>/artifacts.
  const root = new URL(artifactUri).pathname.replace(/^\/+/, '');
  for (const entry of await readdir(path)) await uploadPath(http, root, join(path, entry), options);
  await http.call(
    'PATCH',
    `logged-models/${encodeURIComponent(modelId)}`,
    { model_id: modelId, status: MODEL_READY },
    options,
  );
  await http.call(
    'POST',
    'runs/outputs',
    { run_id: run.runId, models: [{ model_id: modelId, step: model.step }] },
    options,
  );
  await sendModelMetrics(http, run, modelId, model, options);
}

/** log-batch's limit on metrics in one request. */
const BATCH_METRICS = 1000;

/**
 * The run's final metrics, linked to the model as MLflow 3's client links them (`log_metrics(model_id=, dataset=)`):
 * metrics of the run that carry the model's id and the training data's name and digest. The run's history gets them
 * again: each metric's last point, as it was logged (a SQL store keeps one of an exact duplicate).
 */
async function sendModelMetrics(
  http: MlflowHttp,
  run: ServerRun,
  modelId: string,
  { metrics = [], dataset }: Extract<Operation, { op: 'model' }>['model'],
  options: CallOptions,
) {
  const linked = metrics.map(({ key, value, timestamp, step }) => ({
    key,
    // JSON has no NaN or Infinity; MLflow takes them as these strings.
    value: Number.isFinite(value) ? value : String(value),
    timestamp: Math.round(timestamp),
    step: Math.round(step),
    model_id: modelId,
    ...(dataset && { dataset_name: dataset.name, dataset_digest: dataset.digest }),
  }));
  for (let start = 0; start < linked.length; start += BATCH_METRICS) {
    const metricsOf = linked.slice(start, start + BATCH_METRICS);
    await http.call('POST', 'runs/log-batch', { run_id: run.runId, metrics: metricsOf }, options);
  }
}

/** Uploads a file, or a folder's files, to `<artifactPath>/<its name>` through the server's artifact proxy. */
export async function uploadPath(http: MlflowHttp, artifactPath: string, localPath: string, options: CallOptions) {
  const target = `${artifactPath}/${basename(localPath)}`;
  const found = await stat(localPath).catch(() => undefined);
  if (!found) return; // replaced since (a checkpoint): its newer version is sent by a later operation
  if (found.isDirectory()) {
    for (const entry of await readdir(localPath)) await uploadPath(http, target, join(localPath, entry), options);
  } else {
    await http.upload(target, await readFile(localPath), options);
  }
}

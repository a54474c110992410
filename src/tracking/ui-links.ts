/**
 * Pages of MLflow's UI (3.x routes, after the `#`). An experiment opened at its root shows MLflow 3's GenAI overview;
 * `/runs` is the runs table, where GAN runs are compared.
 */
export function runsTableUrl(ui: string, experimentId: string): string {
  return `${ui.replace(/\/+$/, '')}/#/experiments/${experimentId}/runs`;
}

/** A run's page, or one of its artifacts in the artifact viewer. */
export function runPageUrl(ui: string, experimentId: string, runId: string, artifact?: string): string {
  const page = `${runsTableUrl(ui, experimentId)}/${runId}`;
  return artifact === undefined ? page : `${page}/artifacts/${artifact}`;
}

/**
 * The tag that tells MLflow 3's UI an experiment trains models (not a GenAI app): it then opens on the runs table.
 * Set when gx creates an experiment.
 */
export const EXPERIMENT_KIND_TAG = { key: 'mlflow.experimentKind', value: 'custom_model_development' };

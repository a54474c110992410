import { userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { TrackingConfig } from '../config/experiment.js';
import { GxError } from '../errors.js';
import { createLocalRun, reopenLocalRun } from './local-store.js';
import type { Tracker } from './tracker.js';

/** The local store's folder for a tracking URI: ./mlruns when none is set, the path of a file: URI. */
export function localStoreFor(tracking: TrackingConfig): string {
  const uri = tracking.uri ?? process.env.MLFLOW_TRACKING_URI;
  if (uri === undefined || uri === '') return 'mlruns';
  if (uri.startsWith('file:')) return fileURLToPath(uri);
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) return uri;
  throw new GxError(
    'TRACKING_UNSUPPORTED',
    `tracking URI ${uri}: this gx records runs in MLflow's local store only; the MLflow server client is not built yet`,
    'unset MLFLOW_TRACKING_URI (and tracking.uri) to record into ./mlruns, or give a file: URI',
  );
}

export function startTracking(tracking: TrackingConfig, experimentName: string, runName: string): Promise<Tracker> {
  return createLocalRun(localStoreFor(tracking), {
    experiment: tracking.experiment ?? experimentName,
    runName: tracking.run_name ?? runName,
    user: userInfo().username,
  });
}

export function resumeTracking(store: string, runId: string): Promise<Tracker> {
  return reopenLocalRun(store, runId);
}

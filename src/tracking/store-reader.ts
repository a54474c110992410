import { GxError } from '../errors.js';

/** A recorded run as a store lists it. */
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

/** A listed run, with where the store keeps it (for its metric histories and artifacts). */
export interface StoredRun extends RunSummary {
  experimentId: string;
  /** MLflow's artifact URI of the run (file: in a local store, mlflow-artifacts: on a server). */
  artifactUri: string;
}

export interface RunFilter {
  /** Only the runs of this experiment; an error when the store has none of that name. */
  experiment?: string;
  /** At most this many runs, the newest (1000 when not said). */
  limit?: number;
}

/** A metric's value at a step, as logged. */
export interface LoggedValue {
  step: number;
  value: number;
}

/**
 * Reads what a tracking store holds, the same way for MLflow's file store (./mlruns) and an MLflow server: what
 * `gx runs`, `gx report --experiment` and `gx ui` show.
 */
export interface StoreReader {
  /** The store, for messages: a local store's absolute folder, a server's root without a login. */
  readonly where: string;
  /** The id of the experiment named `name`; an error naming the store when there is none. */
  experimentId(name: string): Promise<string>;
  /** The newest runs (of one experiment when named), newest first. */
  listRuns(filter?: RunFilter): Promise<StoredRun[]>;
  /** Every value a run logged for a metric, in the order the store gives them. */
  metricHistory(run: StoredRun, key: string): Promise<LoggedValue[]>;
  /** The names of a run's artifacts in the folder `path` of its artifacts; none when there is no such folder. */
  listArtifacts(run: StoredRun, path: string): Promise<string[]>;
  /** The bytes of a run's artifact at `path`. */
  readArtifact(run: StoredRun, path: string): Promise<Uint8Array>;
  /** Lets go of the connection to a server. */
  close(): Promise<void>;
}

/** How many runs a listing holds at most when the caller does not say. */
export const DEFAULT_RUN_LIMIT = 1000;

export function noExperiment(experiment: string | undefined, where: string): never {
  throw new GxError(
    'TRACKING_EXPERIMENT_NOT_FOUND',
    experiment === undefined ? `no experiments in ${where}` : `no experiment "${experiment}" in ${where}`,
    '`gx run <experiment.yaml>` records one; set MLFLOW_TRACKING_URI to look at a server',
  );
}

import type { Image } from '../images/image.js';

/** How a run ended, in MLflow's words. */
export type RunStatus = 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED';

export interface MetricPoint {
  key: string;
  value: number;
  step: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
}

/** The data a run trained on, as an MLflow dataset input (the runs table's Dataset column). */
export interface DatasetInput {
  name: string;
  /** A short hash of the data itself: two runs on the same data show the same digest. */
  digest: string;
  /** MLflow's source type (`local`) and its source as JSON (`{"uri": ...}`). */
  sourceType: string;
  source: string;
  /** JSON: MLflow's tensor spec of the features and targets. */
  schema: string;
  /** JSON: shapes and sizes, as MLflow's NumPy datasets describe themselves. */
  profile: string;
  /** How the run used it (`training`): the tag mlflow.data.context. */
  context: string;
}

/** A model a run produced, as an MLflow 3 LoggedModel (the runs table's Models column). */
export interface ModelOutput {
  name: string;
  /** What kind of files it holds (`tfjs-layers`). */
  modelType: string;
  /** The step it was saved at. */
  step: number;
  /** The run's params, shown with the model. */
  params: Record<string, string>;
  /** The last point of each of the run's metrics, linked to the model too (its page's Metrics). */
  metrics?: MetricPoint[];
  /** The data it was trained on: each of its metrics names it (the model page's dataset column). */
  dataset?: { name: string; digest: string };
}

/**
 * Where a run's record goes: MLflow's own store on disk (local-store.ts) or an MLflow server (server-tracker.ts).
 * The runner and the sweep talk only to this; a tracker never imports tfjs. Every call returns once the record is
 * safe on disk; a server tracker sends it in the background.
 */
export interface Tracker {
  /** Where the record is kept: the local store's folder, or the server's URL. */
  readonly store: string;
  /** The MLflow run's id; undefined while the server has not been reached yet. */
  readonly runId: string | undefined;
  /** The id of the run's MLflow experiment; undefined while the server has not been reached yet. */
  readonly experimentId: string | undefined;
  logParams(params: Record<string, string>): Promise<void>;
  setTags(tags: Record<string, string>): Promise<void>;
  logMetrics(points: MetricPoint[]): Promise<void>;
  /** Copies a file or a folder into the run's artifacts, under `artifactPath` (a folder) when given. */
  logArtifact(localPath: string, artifactPath?: string): Promise<void>;
  /** An image the UI shows on a slider by step (MLflow's step images). */
  logImage(key: string, step: number, image: Image): Promise<void>;
  /** Records the data the run trains on as its dataset input (an MLflow server; the local store keeps none). */
  logDataset(dataset: DatasetInput): Promise<void>;
  /**
   * Records a folder as a LoggedModel the run produced: created, its files uploaded, finalized READY, and linked to
   * the run as an output (an MLflow server; the local store keeps the folder as an artifact only).
   */
  logModel(localPath: string, model: ModelOutput): Promise<void>;
  /** Marks the run ended; a server tracker first sends what is left, as long as its retries last. */
  end(status: RunStatus): Promise<void>;
}

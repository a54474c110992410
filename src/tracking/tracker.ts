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
  /** Marks the run ended; a server tracker first sends what is left, as long as its retries last. */
  end(status: RunStatus): Promise<void>;
}

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
 * Where a run's record goes: MLflow's own store on disk (local-store.ts) or, later, an MLflow server. The runner
 * talks only to this; a tracker never imports tfjs.
 */
export interface Tracker {
  readonly runId: string;
  /** Where the record is kept: the local store's folder (later, a server's URL). */
  readonly store: string;
  logParams(params: Record<string, string>): Promise<void>;
  setTags(tags: Record<string, string>): Promise<void>;
  logMetrics(points: MetricPoint[]): Promise<void>;
  /** Copies a file or a folder into the run's artifacts, under `artifactPath` (a folder) when given. */
  logArtifact(localPath: string, artifactPath?: string): Promise<void>;
  end(status: RunStatus): Promise<void>;
}

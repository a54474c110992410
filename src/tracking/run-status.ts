import type { RunStatus } from './tracker.js';

/** MLflow's run status codes, as its file store writes them in a run's meta.yaml (mlflow.entities.RunStatus). */
export const STATUS_CODES: Record<RunStatus, number> = { RUNNING: 1, FINISHED: 3, FAILED: 4, KILLED: 5 };

/** Every status name by its code, SCHEDULED included (gx never writes it; MLflow may). */
const STATUS_NAMES: Record<number, string> = { 1: 'RUNNING', 2: 'SCHEDULED', 3: 'FINISHED', 4: 'FAILED', 5: 'KILLED' };

/** The name of a status code read from a meta.yaml; an unknown code as it is. */
export function statusName(code: unknown): string {
  return STATUS_NAMES[Number(code)] ?? String(code);
}

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readJsonLines } from '../core/jsonl.js';
import { recordedStore } from './open.js';
import type { Operation } from './outbox.js';

/**
 * Per metric, the last step a run's tracking record already holds. MLflow keeps every value logged, so a resumed run,
 * which trains the steps after its checkpoint again, logs only the steps past these. Read from the record itself
 * (the local store's metric files, or the outbox journal of a server run, sent or not), so a crash between writing
 * history.jsonl and the record cannot make it wrong, and a store left uneven (a full disk) is evened out.
 */
export async function loggedSteps(
  recorded: { store: string; runId?: string },
  runDir: string,
): Promise<Map<string, number>> {
  const last = new Map<string, number>();
  const saw = (key: string, step: number) => {
    if (Number.isFinite(step) && step > (last.get(key) ?? Number.NEGATIVE_INFINITY)) last.set(key, step);
  };
  const store = recordedStore(recorded.store);
  if (store.kind === 'none') return last;
  if (store.kind === 'server') {
    // A line a crash cut short is skipped: the outbox never sends it either.
    for (const record of await readJsonLines(join(runDir, 'mlflow', 'outbox.jsonl'))) {
      const operation = record as Operation | null;
      if (operation?.op === 'metrics') for (const point of operation.points) saw(point.key, point.step);
    }
    return last;
  }
  for (const experiment of await readdir(recorded.store).catch(() => [])) {
    const metrics = join(recorded.store, experiment, recorded.runId ?? '', 'metrics');
    const entries = await readdir(metrics, { recursive: true, withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      const key = path.slice(metrics.length + 1);
      for (const line of (await readOrEmpty(path)).split('\n')) saw(key, Number(line.split(' ')[2]));
    }
  }
  return last;
}

async function readOrEmpty(file: string): Promise<string> {
  return readFile(file, 'utf8').catch(() => '');
}

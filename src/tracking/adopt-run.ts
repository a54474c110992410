import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Outbox } from './outbox.js';
import { syncServerRun } from './server-tracker.js';

/** MLflow's nesting tag: the UI shows a run under the run it names. */
const PARENT_TAG = 'mlflow.parentRunId';

/**
 * Nests a server run under a parent run that was created after it started (a sweep's trial that began while the
 * server was slow to create the sweep's run). The tag is journaled in the run's own record and sent now; if the
 * server is away, `gx sync <run>` sends it. False for a run that is not on a server or was nested from the start.
 */
export async function adoptServerRun(runFolder: string, parentRunId: string): Promise<boolean> {
  const folder = join(runFolder, 'mlflow');
  if (!existsSync(folder)) return false;
  const outbox = Outbox.open(folder);
  if (!outbox.start || outbox.start.tags[PARENT_TAG] !== undefined) return false;
  const adopted = outbox.unsent.some(({ operation }) => operation.op === 'tags' && PARENT_TAG in operation.values);
  if (!adopted) outbox.add({ op: 'tags', values: { [PARENT_TAG]: parentRunId } });
  await syncServerRun(folder);
  return true;
}

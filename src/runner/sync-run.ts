import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-files.js';
import { recordedStore } from '../tracking/open.js';
import { syncServerRun } from '../tracking/server-tracker.js';
import { findRun, readRunRecord } from './run-folder/folder.js';

/** Sends a run's tracking record to its MLflow server where it has not got there yet (`gx sync`). */
export async function syncRun(run: string, options: { runsDir?: string } = {}) {
  const runDir = await findRun(run, options.runsDir);
  const record = await readRunRecord(runDir);
  if (recordedStore(record.tracking.store).kind !== 'server') return { runDir, ...record.tracking, sent: 0 };
  const synced = await syncServerRun(join(runDir, 'mlflow'));
  record.tracking.runId = synced.runId;
  await writeFileAtomic(join(runDir, 'run.json'), JSON.stringify(record, null, 2));
  return {
    runDir,
    store: synced.uri,
    runId: synced.runId,
    sent: synced.sent,
    rejected: synced.rejected,
    rejectedFile: synced.rejectedFile,
  };
}

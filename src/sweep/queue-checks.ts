import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import type { TrackingConfig } from '../config/experiment.js';
import { GxError } from '../errors.js';
import { type RecordedStore, trackingStore } from '../tracking/open.js';
import type { QueueConnection } from './queue-connection.js';
import { TRIAL_QUEUE } from './trial-job.js';

/**
 * A queued sweep's trials run on machines that share no files with it or with each other: they record into an MLflow
 * server, never a store on disk. Refused before anything is created. Returns the server's URI, without its login.
 */
export function queuedStore(store: TrackingConfig | RecordedStore): string {
  const where = 'kind' in store ? store : trackingStore(store);
  if (where.kind === 'server') return where.uri;
  throw new GxError(
    'QUEUE_NEEDS_SERVER',
    `--queue needs an MLflow server: the workers share no files, and this sweep records into ${where.kind === 'local' ? `the local store ${where.folder}` : 'no store'}`,
    'set MLFLOW_TRACKING_URI (or tracking.uri) to the server the workers reach, e.g. http://mlflow:5000',
  );
}

/** Redis answers within a few seconds, or the sweep stops before it creates anything. */
export async function assertQueueReachable(queue: QueueConnection, patienceMs = 5000): Promise<void> {
  const probe = new Queue(TRIAL_QUEUE, { connection: { ...queue.connection, maxRetriesPerRequest: 1 } });
  probe.on('error', () => {});
  try {
    const ready = probe.waitUntilReady().then(() => true);
    if (!(await Promise.race([ready.catch(() => false), sleep(patienceMs).then(() => false)]))) {
      throw new GxError(
        'QUEUE_UNREACHABLE',
        `cannot reach Redis at ${queue.where}`,
        'is redis-server running there, and is its login right (in the URL, or REDIS_USERNAME and REDIS_PASSWORD)?',
      );
    }
  } finally {
    await probe.close().catch(() => {});
  }
}

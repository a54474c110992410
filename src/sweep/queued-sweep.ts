import { recordedStore } from '../tracking/open.js';
import { sweepTrials } from './plan.js';
import { assertQueueReachable, queuedStore } from './queue-checks.js';
import { queueConnection } from './queue-connection.js';
import { queueExecutor } from './queue-executor.js';
import { readSweepRecord } from './record.js';
import type { SweepOptions } from './sweep.js';

/**
 * A sweep's options to run its trials through a Redis queue: refused in one line, before anything is created, when
 * the sweep records into a store on disk or Redis cannot be reached.
 */
export async function queuedSweepOptions(
  url: string,
  sweep: { file?: string; resume?: string; overrides: readonly string[]; detach?: boolean },
): Promise<Pick<SweepOptions, 'executor'>> {
  const queue = queueConnection(url);
  if (sweep.resume) queuedStore(recordedStore((await readSweepRecord(sweep.resume)).parent.store));
  else queuedStore((await sweepTrials(sweep.file as string, sweep.overrides)).base.tracking);
  await assertQueueReachable(queue);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  return {
    executor: (sweepDir, store) =>
      queueExecutor({ queue, sweepDir, trackingUri: queuedStore({ uri: store }), detach: sweep.detach, log }),
  };
}

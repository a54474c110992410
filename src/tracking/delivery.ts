import { join } from 'node:path';
import { sendDataset, sendModel, uploadPath } from './inputs-outputs.js';
import { type Entry, logBatches } from './log-batch.js';
import { MlflowError } from './mlflow-error.js';
import type { MlflowHttp } from './mlflow-http.js';
import type { CallOptions } from './mlflow-retry.js';
import type { Outbox } from './outbox.js';
import { createRun } from './server-run-creation.js';

/**
 * Sends the outbox's unsent operations in order, acknowledging each once the server has it. A record the server
 * refuses is set aside with its error (rejected.jsonl) and the rest goes on; the creation of the run is never set
 * aside (without it nothing can be sent).
 */
export async function deliver(outbox: Outbox, http: MlflowHttp, options: CallOptions = {}, progress = () => {}) {
  while (outbox.unsent.length > 0) {
    const { operation } = outbox.unsent[0];
    if (operation.op === 'start') {
      outbox.acknowledge(1, await createRun(http, operation, options));
      progress();
      continue;
    }
    const run = outbox.run;
    if (!run) throw new Error('outbox: an operation before the run was started');
    if (operation.op === 'params' || operation.op === 'tags' || operation.op === 'metrics') {
      await sendData(outbox, http, run.runId, options);
      progress();
      continue;
    }
    try {
      if (operation.op === 'resume' || operation.op === 'end') {
        const update = operation.op === 'end' ? { status: operation.status, end_time: operation.endTime } : {};
        await http.call('POST', 'runs/update', { run_id: run.runId, status: 'RUNNING', ...update }, options);
      } else if (operation.op === 'dataset') {
        await sendDataset(http, run, operation, options);
      } else if (operation.op === 'model') {
        await sendModel(http, run, operation, options);
      } else {
        await uploadPath(http, join(run.artifactRoot, operation.artifactPath), operation.path, options);
      }
    } catch (error) {
      if (!(error instanceof MlflowError && error.rejectsRecord)) throw error;
      outbox.setAside([{ operation }], error.message);
    }
    outbox.acknowledge(1);
    progress();
  }
}

/**
 * Sends the run of params, tags and metrics at the head of the outbox as log-batch requests within the limits. A
 * batch the server refuses is sent again in halves, down to the entries it refuses: those are set aside.
 */
async function sendData(outbox: Outbox, http: MlflowHttp, runId: string, options: CallOptions) {
  const entries: Entry[] = [];
  const ends: number[] = []; // entries.length after each operation
  for (const { operation } of outbox.unsent) {
    if (operation.op === 'params' || operation.op === 'tags') {
      const kind = operation.op === 'params' ? 'param' : 'tag';
      for (const [key, value] of Object.entries(operation.values)) entries.push({ kind, key, value });
    } else if (operation.op === 'metrics') {
      for (const point of operation.points) entries.push({ kind: 'metric', point });
    } else break;
    ends.push(entries.length);
  }
  let sent = 0;
  let acknowledged = 0;
  for (const { batch, count } of logBatches(entries)) {
    try {
      await http.call('POST', 'runs/log-batch', { run_id: runId, ...batch }, options);
    } catch (error) {
      if (!(error instanceof MlflowError && error.rejectsRecord)) throw error;
      await sendInHalves(outbox, http, runId, entries.slice(sent, sent + count), options);
    }
    sent += count;
    const done = ends.filter((end) => end <= sent).length;
    outbox.acknowledge(done - acknowledged);
    acknowledged = done;
  }
  outbox.acknowledge(ends.length - acknowledged); // operations with nothing in them
}

async function sendInHalves(outbox: Outbox, http: MlflowHttp, runId: string, entries: Entry[], options: CallOptions) {
  try {
    for (const { batch } of logBatches(entries))
      await http.call('POST', 'runs/log-batch', { run_id: runId, ...batch }, options);
  } catch (error) {
    if (!(error instanceof MlflowError && error.rejectsRecord)) throw error;
    if (entries.length === 1) return outbox.setAside([{ entry: entries[0] }], error.message);
    const half = Math.ceil(entries.length / 2);
    await sendInHalves(outbox, http, runId, entries.slice(0, half), options);
    await sendInHalves(outbox, http, runId, entries.slice(half), options);
  }
}

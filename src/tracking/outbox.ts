import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJsonLines } from '../core/jsonl.js';
import type { DatasetInput, MetricPoint, ModelOutput, RunStatus } from './tracker.js';

/** What a server run is told, in order. */
export type Operation =
  | {
      op: 'start';
      uri: string;
      experiment: string;
      runName: string;
      startTime: number;
      /** gx's own id for the run, also a tag: finds the server's run again if its creation's answer was lost. */
      uid: string;
      tags: Record<string, string>;
    }
  | { op: 'resume' }
  | { op: 'params'; values: Record<string, string> }
  | { op: 'tags'; values: Record<string, string> }
  | { op: 'metrics'; points: MetricPoint[] }
  | { op: 'artifact'; path: string; artifactPath: string }
  | { op: 'dataset'; dataset: DatasetInput }
  /** `uid`: gx's own id for the model, also its tag: finds it again if its creation's answer was lost. */
  | { op: 'model'; path: string; model: ModelOutput; uid: string }
  | { op: 'end'; status: RunStatus; endTime: number };

/** What the server said when the run was created (kept with the acknowledgement of the start). */
export interface ServerRun {
  runId: string;
  /** Its experiment's id (journals written before gx kept it have it only in artifactRoot). */
  experimentId?: string;
  /** Where the proxy keeps the run's artifacts: <experiment id>/<run id>/artifacts. */
  artifactRoot: string;
}

const FILE = 'outbox.jsonl';
/** What the server refused, each line a record (an entry of a batch, or an operation) with the server's error. */
export const REJECTED_FILE = 'rejected.jsonl';

/**
 * A server run's record on disk before (and after) it is sent: an append-only journal in the run's folder, with a
 * line per operation and a line per acknowledgement. Nothing is lost when the server is down or the process dies:
 * what is not acknowledged is sent again, later in this run or by `gx sync`. Sending twice is harmless (MLflow's
 * SQL stores drop a metric point they already hold, params and tags are set to the same value), but it is skipped.
 */
export class Outbox {
  private readonly pending: { seq: number; operation: Operation }[] = [];
  private nextSeq = 0;
  private server?: ServerRun;
  private started?: Extract<Operation, { op: 'start' }>;
  private setAsideCount = 0;

  private constructor(readonly folder: string) {}

  /** Opens the journal in `folder` (created when new) and loads what has not been acknowledged. */
  static open(folder: string): Outbox {
    mkdirSync(folder, { recursive: true });
    const outbox = new Outbox(folder);
    const text = (() => {
      try {
        return readFileSync(join(folder, FILE), 'utf8');
      } catch {
        return '';
      }
    })();
    const acked = new Set<number>();
    const written: { seq: number; operation: Operation }[] = [];
    // A line cut short by a crash is skipped: its operation was never acknowledged and is written again.
    for (const line of parseJsonLines(text)) {
      const record = line as { seq?: number; ack?: number; server?: ServerRun } & Partial<Operation>;
      if (record.ack !== undefined) {
        acked.add(record.ack);
        if (record.server) outbox.server = record.server;
      } else if (record.seq !== undefined) {
        const { seq, ...rest } = record;
        const operation = rest as Operation;
        if (operation.op === 'start') outbox.started = operation;
        written.push({ seq, operation });
        outbox.nextSeq = Math.max(outbox.nextSeq, seq + 1);
      }
    }
    outbox.pending.push(...written.filter(({ seq }) => !acked.has(seq)));
    try {
      outbox.setAsideCount = readFileSync(join(folder, REJECTED_FILE), 'utf8').split('\n').filter(Boolean).length;
    } catch {
      // nothing refused yet
    }
    return outbox;
  }

  /** The run on the server, once its creation is acknowledged. */
  get run(): ServerRun | undefined {
    return this.server;
  }

  /** The start operation, whether sent or not: where and what the run is. */
  get start(): Extract<Operation, { op: 'start' }> | undefined {
    return this.started;
  }

  /** Unacknowledged operations, oldest first. */
  get unsent(): readonly { seq: number; operation: Operation }[] {
    return this.pending;
  }

  /** How many records the server has refused in all (they are in rejected.jsonl, not sent again). */
  get rejected(): number {
    return this.setAsideCount;
  }

  /**
   * Keeps records the server refused (a 400: it will refuse them every time) apart with its error, so that they
   * block nothing. The operations they came from are acknowledged by the caller as usual.
   */
  setAside(records: object[], error: string): void {
    if (records.length === 0) return;
    const lines = records.map((record) => JSON.stringify({ ...record, error }));
    appendFileSync(join(this.folder, REJECTED_FILE), `${lines.join('\n')}\n`);
    this.setAsideCount += records.length;
  }

  add(operation: Operation): void {
    const entry = { seq: this.nextSeq++, operation };
    if (operation.op === 'start') this.started = operation;
    appendFileSync(join(this.folder, FILE), `${JSON.stringify({ seq: entry.seq, ...operation })}\n`);
    this.pending.push(entry);
  }

  /** Marks the oldest `count` operations sent; `server` is the run created by the start operation. */
  acknowledge(count: number, server?: ServerRun): void {
    const done = this.pending.splice(0, count);
    if (server) this.server = server;
    const lines = done.map(({ seq }, i) => JSON.stringify({ ack: seq, ...(i === 0 && server && { server }) }));
    if (lines.length > 0) appendFileSync(join(this.folder, FILE), `${lines.join('\n')}\n`);
  }
}

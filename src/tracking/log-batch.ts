import type { MetricPoint } from './tracker.js';

/** MLflow's limits for one runs/log-batch request (mlflow/utils/validation.py). */
const LIMITS = { metrics: 1000, params: 100, tags: 100, entities: 1000, bytes: 900_000 };
/** Tag values above this are refused (MLflow 3; 2.x allowed 5000). */
const MAX_TAG_VALUE = 8000;

export interface LogBatch {
  metrics: { key: string; value: number | string; timestamp: number; step: number }[];
  params: { key: string; value: string }[];
  tags: { key: string; value: string }[];
}

export type Entry =
  | { kind: 'metric'; point: MetricPoint }
  | { kind: 'param'; key: string; value: string }
  | { kind: 'tag'; key: string; value: string };

/**
 * Cuts entries, in order, into requests within MLflow's limits: at most 1000 metrics, 100 params, 100 tags and
 * 1000 in all, no param key twice, under a megabyte. Each batch says how many entries it covers.
 */
export function* logBatches(entries: readonly Entry[]): Generator<{ batch: LogBatch; count: number }> {
  let batch: LogBatch = { metrics: [], params: [], tags: [] };
  let [count, bytes] = [0, 0];
  const paramKeys = new Set<string>();
  for (const entry of entries) {
    const encoded = encode(entry);
    const size = JSON.stringify(encoded).length + 1;
    const full =
      count === LIMITS.entities ||
      bytes + size > LIMITS.bytes ||
      (entry.kind === 'metric' && batch.metrics.length === LIMITS.metrics) ||
      (entry.kind === 'param' && (batch.params.length === LIMITS.params || paramKeys.has(entry.key))) ||
      (entry.kind === 'tag' && batch.tags.length === LIMITS.tags);
    if (full) {
      yield { batch, count };
      batch = { metrics: [], params: [], tags: [] };
      [count, bytes] = [0, 0];
      paramKeys.clear();
    }
    if (entry.kind === 'metric') batch.metrics.push(encoded as LogBatch['metrics'][number]);
    else if (entry.kind === 'param') {
      batch.params.push(encoded as LogBatch['params'][number]);
      paramKeys.add(entry.key);
    } else batch.tags.push(encoded as LogBatch['tags'][number]);
    count++;
    bytes += size;
  }
  if (count > 0) yield { batch, count };
}

/** Tags as MLflow's requests list them, values cut to the limit. */
export function tagList(values: Record<string, string>) {
  return Object.entries(values).map(([key, value]) => encode({ kind: 'tag', key, value }));
}

function encode(entry: Entry) {
  if (entry.kind !== 'metric') {
    const limit = entry.kind === 'tag' ? MAX_TAG_VALUE : Number.POSITIVE_INFINITY;
    return {
      key: entry.key,
      value: entry.value.length > limit ? `${entry.value.slice(0, limit - 3)}...` : entry.value,
    };
  }
  const { key, value, timestamp, step } = entry.point;
  // JSON has no NaN or Infinity; MLflow takes them as these strings (a diverged loss is recorded, not refused).
  return {
    key,
    value: Number.isFinite(value) ? value : String(value),
    timestamp: Math.round(timestamp),
    step: Math.round(step),
  };
}

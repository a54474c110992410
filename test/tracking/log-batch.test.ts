import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Entry, logBatches } from '../../src/tracking/log-batch.js';

const metric = (step: number, value = step): Entry => ({
  kind: 'metric',
  point: { key: 'g_loss', value, step, timestamp: 1000 + step },
});
const param = (key: string): Entry => ({ kind: 'param', key, value: 'v' });

describe("log-batch requests within MLflow's limits", () => {
  it('cuts 2500 metrics into 1000, 1000, 500 and 250 params into 100s, in order, losing none', () => {
    const entries = [...Array.from({ length: 2500 }, (_, i) => metric(i + 1))];
    const sizes = [...logBatches(entries)].map(({ batch, count }) => [batch.metrics.length, count]);
    assert.deepEqual(sizes, [
      [1000, 1000],
      [1000, 1000],
      [500, 500],
    ]);
    const params = [...logBatches(Array.from({ length: 250 }, (_, i) => param(`p${i}`)))];
    assert.deepEqual(
      params.map(({ batch }) => batch.params.length),
      [100, 100, 50],
    );
  });

  it('keeps 1000 entries in all per request and never one param key twice', () => {
    const mixed = [
      ...Array.from({ length: 950 }, (_, i) => metric(i)),
      ...Array.from({ length: 80 }, (_, i) => param(`p${i}`)),
    ];
    assert.deepEqual(
      [...logBatches(mixed)].map(({ count }) => count),
      [1000, 30],
    );
    assert.deepEqual(
      [...logBatches([param('a'), param('b'), param('a')])].map(({ count }) => count),
      [2, 1],
    );
  });

  it('writes NaN and infinities as the strings MLflow takes, never as null', () => {
    const [{ batch }] = [
      ...logBatches([metric(1, Number.NaN), metric(2, Number.POSITIVE_INFINITY), metric(3, -Infinity)]),
    ];
    assert.deepEqual(
      batch.metrics.map((m) => m.value),
      ['NaN', 'Infinity', '-Infinity'],
    );
  });

  it('cuts tag values to 8000 characters', () => {
    const [{ batch }] = [...logBatches([{ kind: 'tag', key: 'mlflow.note.content', value: 'x'.repeat(9000) }])];
    assert.equal(batch.tags[0].value.length, 8000);
  });
});

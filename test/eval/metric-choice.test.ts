import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { chooseMetrics, evalMetrics, metricValues } from '../../src/registry/metrics/index.js';
import { moments } from '../../src/registry/metrics/moments.js';
import { gx, tempDir } from '../helpers/cli.js';
import { tinyYaml } from '../helpers/experiments.js';

describe('choosing evaluation metrics', () => {
  it('gx eval refuses an unknown metric with a "did you mean", before loading anything, and exits non-zero', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'experiment.yaml'), tinyYaml);
    const cache = tempDir('gx-cache-');
    const result = gx(['eval', '--run', dir, '--metrics', 'fdi', '--backend', 'cpu'], { env: { GX_CACHE_DIR: cache } });
    assert.notEqual(result.status, 0);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /unknown metric "fdi"; did you mean "fid"\?/);
    assert.match(result.stderr, /known metrics: fid, mnist_score, kid, precision_recall, class_accuracy/);
    // Before the run is read: a folder that is no run at all still gets the metric's refusal.
    const empty = gx(['eval', '--run', tempDir(), '--metrics', 'fid,kdi'], { env: { GX_CACHE_DIR: cache } });
    assert.notEqual(empty.status, 0);
    assert.match(empty.stderr, /^unknown metric "kdi"; did you mean "kid"\?$/m);
  });

  it("an experiment's eval.metrics with an unknown name fails validation in one line, at its position", () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'x.yaml'), `${tinyYaml}eval: { metrics: [fid, fdi] }\n`);
    const result = gx(['validate', 'x.yaml'], { cwd: dir });
    assert.notEqual(result.status, 0);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(
      lines[0],
      /^x\.yaml:\d+:\d+: eval\.metrics\.1 must be one of fid, .*, got "fdi"; did you mean "fid"\?$/,
    );
  });

  it('gives the chosen entries in the registry order, each once', () => {
    assert.deepEqual(
      chooseMetrics(['class_accuracy', 'fid', 'fid']).map((metric) => metric.name),
      ['fid', 'class_accuracy'],
    );
    assert.throws(() => chooseMetrics(['fid', 'mnist-score']), /did you mean "mnist_score"/);
  });

  it('each metric declares the values it gives, which way is better and what it needs; keys are unique', () => {
    const keys = metricValues.map((value) => value.key);
    assert.equal(new Set(keys).size, keys.length);
    assert.deepEqual(
      Object.fromEntries(metricValues.map((value) => [value.key, `${value.better}${value.charted ? ' charted' : ''}`])),
      {
        fid: 'lower charted',
        mnist_score: 'higher',
        kid: 'lower',
        precision: 'higher',
        recall: 'higher',
        class_accuracy: 'higher charted',
      },
    );
    assert.deepEqual(
      evalMetrics.entries.filter((metric) => metric.needs === 'probabilities').map((metric) => metric.name),
      ['mnist_score', 'class_accuracy'],
    );
  });

  it('each metric gives exactly the values it declares, from what it says it needs', () => {
    const rows = (count: number, dim: number, seed: number) => {
      const values = Float64Array.from({ length: count * dim }, (_, i) => Math.abs(Math.sin(seed + i * 12.9898)));
      return { count, dim, values };
    };
    const features = rows(40, 3, 1);
    const raw = rows(40, 10, 2);
    const probabilities = {
      ...raw,
      values: raw.values.map((v, i) => v / raw.values.slice(i - (i % 10), i - (i % 10) + 10).reduce((a, b) => a + b)),
    };
    const against = { features: rows(40, 3, 3), moments: moments(rows(40, 3, 3)) };
    const labels = Array.from({ length: 40 }, (_, i) => i % 10);
    for (const metric of evalMetrics.entries) {
      const input =
        metric.needs === 'probabilities' ? { features, probabilities, against, labels } : { features, against };
      const keys = metric.values.map((value) => value.key);
      assert.deepEqual(Object.keys(metric.measure(input)), keys, metric.name);
    }
  });
});

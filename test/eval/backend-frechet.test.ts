import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { backendFrechetDistance, backendMoments } from '../../src/registry/metrics/backend-frechet.js';
import { frechetDistance } from '../../src/registry/metrics/formulas.js';
import { type Features, moments } from '../../src/registry/metrics/moments.js';
import { describeOnEachBackend } from '../helpers/backends.js';
import { repoRoot } from '../helpers/cli.js';

/** FIDs by scipy in float64 (test/references/frechet.py) of features the recipe below makes again. */
const { cases } = JSON.parse(readFileSync(join(repoRoot, 'test', 'references', 'frechet.json'), 'utf8')) as {
  cases: { name: string; dim: number; rows: number; seeds: [number, number]; shift: number } & Record<string, number>[];
};

// frechet.py's recipe: Park-Miller uniforms, normals as 12 of them minus 6, mixed, shifted, clipped at 0.
function normals(seed: number, count: number): Float64Array {
  const out = new Float64Array(count);
  let x = seed;
  for (let k = 0; k < count; k++) {
    let sum = 0;
    for (let j = 0; j < 12; j++) {
      x = (x * 48271) % 2147483647;
      sum += x / 2147483647;
    }
    out[k] = sum - 6;
  }
  return out;
}

function features(seed: number, rows: number, dim: number, shift: number): Features {
  const mix = normals(99, dim * dim);
  for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) mix[i * dim + j] *= (i + 1) ** -0.8;
  const z = normals(seed, rows * dim);
  const values = new Float64Array(rows * dim);
  for (let n = 0; n < rows; n++)
    for (let j = 0; j < dim; j++) {
      let sum = 0.5 + shift;
      for (let i = 0; i < dim; i++) sum += z[n * dim + i] * mix[i * dim + j];
      values[n * dim + j] = Math.max(sum, 0);
    }
  return { count: rows, dim, values };
}

const total = (set: Features) => set.values.reduce((s, v) => s + v, 0);
const relative = (actual: number, expected: number) => Math.abs(actual - expected) / Math.abs(expected);

describeOnEachBackend('FID on the backend, against float64', () => {
  for (const { name, dim, rows, seeds, shift, sum_x, sum_y, fid } of cases as unknown as Record<string, never>[]) {
    it(`${name} (${dim}-d, ${rows} rows each): within 1e-3 of scipy's and of gx's float64 path`, () => {
      const [x, y] = [features(seeds[0], rows, dim, 0), features(seeds[1], rows, dim, shift)];
      assert.ok(relative(total(x), sum_x) < 1e-9 && relative(total(y), sum_y) < 1e-9, 'the recipe made other features');
      const before = tf.memory().numTensors;
      const onBackend = backendFrechetDistance(backendMoments(x), backendMoments(y));
      assert.equal(tf.memory().numTensors, before, 'no tensor is left behind');
      const float64 = frechetDistance(moments(x), moments(y));
      assert.ok(relative(float64, fid) < 1e-6, `gx's float64 path ${float64}, scipy ${fid}`);
      assert.ok(relative(onBackend, fid) < 1e-3, `backend ${onBackend}, scipy ${fid}`);
    });
  }

  it('is 0 for a set against itself, and symmetric', () => {
    const [x, y] = [features(7, 300, 32, 0), features(8, 300, 32, 0.2)];
    const [a, b] = [backendMoments(x), backendMoments(y)];
    assert.ok(backendFrechetDistance(a, a) < 1e-3 * backendFrechetDistance(a, b));
    assert.ok(relative(backendFrechetDistance(a, b), backendFrechetDistance(b, a)) < 1e-3);
  });
});

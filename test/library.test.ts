import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { architectures } from '../src/registry/architectures/index.js';
import { losses } from '../src/registry/losses/index.js';
import { references } from './helpers/references.js';

describe('gx as a library', () => {
  it('exports the loader, the runner and the registries under the package name', async () => {
    const gx = await import('gx');
    for (const name of ['loadExperiment', 'resolveExperiment', 'runExperiment', 'resumeRun', 'selectBackend']) {
      assert.equal(typeof gx[name as keyof typeof gx], 'function', name);
    }
    assert.ok(gx.losses.get('wgan-gp').options.properties.penalty_weight);
    // The package's registries are the very ones the code uses, with every entry.
    assert.equal(gx.architectures, architectures);
    assert.equal(gx.losses, losses);
    assert.ok(architectures.entries.length > 0 && losses.entries.length > 0);
  });

  it("scores anyone's samples on plain arrays: fid, kid, mnistScore, precisionRecall, classAccuracy", async () => {
    const { fid, kid, mnistScore, precisionRecall, classAccuracy } = await import('gx');
    const rows = (values: number[], dim: number) =>
      Array.from({ length: values.length / dim }, (_, n) => values.slice(n * dim, (n + 1) * dim));
    const close = (actual: number, expected: number) =>
      assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${actual} != ${expected}`);

    const { dim, real, fake } = references.precision_recall;
    close(fid(rows(real, dim), rows(fake, dim)), references.precision_recall.fid);
    assert.deepEqual(precisionRecall(rows(real, dim), rows(fake, dim)), {
      precision: references.precision_recall.precision,
      recall: references.precision_recall.recall,
    });
    for (const { dim: d, x, y, kid: expected } of references.kid) close(kid(rows(x, d), rows(y, d)), expected);
    const { probabilities, dim: classes, splits1, splits4 } = references.mnist_score;
    close(mnistScore(rows(probabilities, classes), { splits: 1 }), splits1);
    close(mnistScore(rows(probabilities, classes), { splits: 4 }), splits4);
    const predictions = [
      [0.7, 0.2, 0.1],
      [0.1, 0.1, 0.8],
      [0.3, 0.4, 0.3],
      [0.5, 0.25, 0.25],
    ];
    assert.equal(classAccuracy(predictions, [0, 2, 0, 0]), 3 / 4);

    // Inputs that cannot be measured are refused in one line, never measured wrong.
    assert.throws(() => fid([[1, 2]], [[1, 2]]), { code: 'METRIC_INPUT' });
    assert.throws(
      () =>
        fid(
          [[1, 2], [3]],
          [
            [1, 2],
            [3, 4],
          ],
        ),
      /probabilities|row 0 has 2/,
    );
    assert.throws(
      () =>
        kid(
          [[1], [2]],
          [
            [1, 2],
            [3, 4],
          ],
        ),
      /1 and 2 numbers/,
    );
    assert.throws(() => mnistScore([[0.5, 0.6]], { splits: 1 }), /sums to 1.1/);
    assert.throws(() => classAccuracy(predictions, [0, 1]), /2 labels for 4 rows/);
    assert.throws(
      () =>
        fid(
          [
            [1, Number.NaN],
            [1, 2],
          ],
          [
            [1, 2],
            [3, 4],
          ],
        ),
      /not a finite number/,
    );
  });
});

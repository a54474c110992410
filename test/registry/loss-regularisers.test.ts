import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectBackend } from '../../src/backend/select.js';
import { ConfigError } from '../../src/errors.js';
import { buildGan } from '../../src/models/build-gan.js';
import { tinyExperiment } from '../helpers/experiments.js';

await selectBackend('cpu');

describe('loss.regularisers', () => {
  it("adds a gradient penalty to hinge, with the entry's default weight, after the loss's own terms", () => {
    const experiment = tinyExperiment(['loss.type=hinge', 'loss.regularisers=[{type: gradient-penalty}]']);
    assert.deepEqual(experiment.loss.regularisers, [{ type: 'gradient-penalty', weight: 10 }]);
    const gan = buildGan(experiment, [28, 28, 1], { dropoutCalls: 0 });
    assert.deepEqual(
      gan.regularisers.map((r) => [r.penalty?.metric, r.penalty?.weight]),
      [['d_gradient_penalty', 10]],
    );
    gan.generator.dispose();
    gan.discriminator.dispose();
  });

  it("composes with a loss's own: wgan's clipping, then the listed penalty", () => {
    const experiment = tinyExperiment(['loss.type=wgan', 'loss.regularisers=[{type: gradient-penalty, weight: 2}]']);
    const gan = buildGan(experiment, [28, 28, 1], { dropoutCalls: 0 });
    assert.equal(gan.regularisers.length, 2);
    assert.ok(gan.regularisers[0].afterCriticStep && !gan.regularisers[0].penalty);
    assert.equal(gan.regularisers[1].penalty?.weight, 2);
    gan.generator.dispose();
    gan.discriminator.dispose();
  });

  it('names an unknown regulariser with a hint', () => {
    assert.throws(
      () => tinyExperiment(['loss.regularisers=[{type: gradient-penality}]']),
      (error: unknown) =>
        error instanceof ConfigError && /regulariser "gradient-penality".*gradient-penalty/.test(error.message),
    );
  });
});

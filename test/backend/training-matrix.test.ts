import assert from 'node:assert/strict';
import { it } from 'node:test';
import { architectures } from '../../src/registry/architectures/index.js';
import { losses } from '../../src/registry/losses/index.js';
import { describeOnEachBackend } from '../helpers/backends.js';
import { tinyExperimentWith } from '../helpers/experiments.js';
import { trainInMemory } from '../helpers/train.js';

describeOnEachBackend('every architecture with every loss trains', () => {
  for (const architecture of architectures.entries) {
    for (const loss of losses.entries) {
      it(`${architecture.name} x ${loss.name}`, async () => {
        const overrides = ['train.max_steps=2', 'train.batch_size=2', 'train.n_critic=2'];
        const { metrics } = await trainInMemory(tinyExperimentWith({ architecture, loss }, overrides));
        assert.equal(metrics.length, 2);
        for (const step of metrics)
          for (const [name, value] of Object.entries(step)) assert.ok(Number.isFinite(value), `${name} ${value}`);
      });
    }
  }
});

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { architectures } from '../../src/registry/architectures/index.js';
import { losses } from '../../src/registry/losses/index.js';
import { describeOnEachBackend } from '../helpers/backends.js';
import { tinyExperiment } from '../helpers/experiments.js';
import { trainInMemory } from '../helpers/train.js';

describeOnEachBackend('every architecture with every loss trains', () => {
  for (const architecture of architectures.entries) {
    for (const loss of losses.entries) {
      it(`${architecture.name} x ${loss.name}`, async () => {
        const overrides = [`loss.type=${loss.name}`, 'train.max_steps=2', 'train.batch_size=2', 'train.n_critic=2'];
        if (loss.name === 'wgan') overrides.push('loss.critic_warmup=false');
        // tinyExperiment is a dcgan; the seed's architecture takes none of dcgan's options.
        const experiment =
          architecture.name === 'dcgan'
            ? tinyExperiment(overrides)
            : tinyExperiment([...overrides, 'model.type=acgan-mnist'], { dropDcganOptions: true });
        const { metrics } = await trainInMemory(experiment);
        assert.equal(metrics.length, 2);
        for (const step of metrics)
          for (const [name, value] of Object.entries(step)) assert.ok(Number.isFinite(value), `${name} ${value}`);
      });
    }
  }
});

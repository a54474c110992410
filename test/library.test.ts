import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

describe('gx as a library', () => {
  it('exports the loader, the runner and the registries under the package name', async () => {
    const gx = await import('gx');
    for (const name of ['loadExperiment', 'resolveExperiment', 'runExperiment', 'resumeRun', 'selectBackend']) {
      assert.equal(typeof gx[name as keyof typeof gx], 'function', name);
    }
    assert.ok(gx.losses.get('wgan-gp').options.properties.penalty_weight);
    assert.deepEqual(
      gx.architectures.entries.map((entry) => entry.name),
      ['acgan-mnist', 'dcgan'],
    );
  });
});

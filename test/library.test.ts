import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { architectures } from '../src/registry/architectures/index.js';
import { losses } from '../src/registry/losses/index.js';

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
});

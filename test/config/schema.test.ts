import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { experimentSchema } from '../../src/config/schema.js';
import { architectures } from '../../src/registry/architectures/index.js';
import { losses } from '../../src/registry/losses/index.js';
import { repoRoot } from '../helpers/cli.js';

describe('the experiment schema', () => {
  it('is what schemas/experiment.schema.json holds (run `npm run schema` after changing a registry)', () => {
    const file = JSON.parse(readFileSync(join(repoRoot, 'schemas/experiment.schema.json'), 'utf8'));
    assert.deepEqual(file, experimentSchema);
  });

  it('has a branch for every architecture and loss in the registries', () => {
    const text = JSON.stringify(experimentSchema);
    for (const entry of [...architectures.entries, ...losses.entries]) {
      assert.ok(text.includes(`"const":"${entry.name}"`), entry.name);
    }
  });
});

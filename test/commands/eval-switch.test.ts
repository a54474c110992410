import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gx, tempDir } from '../helpers/cli.js';
import { tinyYaml } from '../helpers/experiments.js';

describe('switching evaluation off', () => {
  it('--set eval.enabled=false runs an experiment with an eval section without evaluating', () => {
    const dir = tempDir();
    const cache = tempDir('gx-cache-');
    writeFileSync(join(dir, 'evaluated.yaml'), `${tinyYaml}eval: { every: 1, every_steps: 1, samples: 10 }\n`);
    const result = gx(
      [
        'run',
        'evaluated.yaml',
        '--max-steps',
        '2',
        '--set',
        'eval.enabled=false',
        '--set',
        'tracking.enabled=false',
        '--json',
      ],
      { cwd: dir, env: { GX_CACHE_DIR: cache } },
    );
    assert.equal(result.status, 0, result.stderr);
    const run = JSON.parse(result.stdout);
    assert.equal(existsSync(join(run.runDir, 'eval.jsonl')), false);
    assert.deepEqual(readdirSync(cache), [], 'no classifier trained');
  });

  it('says in the schema what 0 means for every and every_steps', () => {
    const schema = JSON.parse(gx(['schema']).stdout);
    const eval_ = schema.properties.eval.properties;
    assert.equal(eval_.enabled.default, true);
    assert.match(eval_.every.description, /0: no evaluation per epoch/);
    assert.match(eval_.every_steps.description, /0: none by steps/);
    assert.match(schema.properties.eval.description, /enabled: false/);
  });
});

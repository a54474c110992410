import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runExperiment } from '../../src/runner/run.js';
import { restoreSnapshot } from '../../src/tracking/checkpoint-snapshot.js';
import { tempDir } from '../helpers/cli.js';
import { tinyExperiment } from '../helpers/experiments.js';

describe('checkpoints by steps, snapshotted for another machine', () => {
  it('checkpoints every N steps and at the end, each an immutable snapshot with a manifest that restores it', async () => {
    const [runsDir, store] = [tempDir(), tempDir()];
    const experiment = tinyExperiment([
      'train.checkpoint_every_steps=3',
      'train.checkpoint_every=0',
      `tracking.uri=${store}`,
    ]);
    const result = await runExperiment(experiment, {
      runsDir,
      maxSteps: 7,
      backend: 'cpu',
      queued: { fromStart: false },
    });
    const [experimentId] = readdirSync(store).filter((name) => /^\d+$/.test(name) && name !== '0');
    const run = join(store, experimentId, result.tracking.runId as string);
    const snapshots = join(run, 'artifacts', 'checkpoints');
    assert.deepEqual(readdirSync(snapshots).sort(), ['step-000003', 'step-000006', 'step-000007']);
    assert.equal(readFileSync(join(run, 'tags', 'gx.checkpoint.latest'), 'utf8'), 'step-000007');
    const read = async (path: string) => readFileSync(join(run, 'artifacts', path));
    const restored = tempDir();
    const manifest = await restoreSnapshot('step-000006', read, join(restored, 'checkpoint'));
    assert.equal(manifest.step, 6);
    assert.equal(JSON.parse(readFileSync(join(restored, 'checkpoint', 'checkpoint.json'), 'utf8')).state.step, 6);
    // A snapshot altered after it was made is refused.
    writeFileSync(join(snapshots, 'step-000003', 'weights.bin'), 'not the weights');
    await assert.rejects(restoreSnapshot('step-000003', read, join(restored, 'again')), /does not match its manifest/);
  });
});

import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { GxError } from '../../src/errors.js';
import { runExperiment } from '../../src/runner/run.js';
import { tempDir } from '../helpers/cli.js';
import { tinyExperiment } from '../helpers/experiments.js';

describe('a stop asked for', () => {
  it('while the backend or the data loads ends the run before it trains, leaving no run folder', async () => {
    const runsDir = tempDir();
    // The signal came while the data loaded: the abort is there when loading returns.
    const stop = AbortSignal.abort();
    await assert.rejects(
      runExperiment(tinyExperiment(['tracking.enabled=false']), { runsDir, stop, shouldStop: () => stop.aborted }),
      (error) => error instanceof GxError && error.code === 'STOPPED',
    );
    assert.deepEqual(readdirSync(runsDir), []);
  });
});

import { fileURLToPath } from 'node:url';
import { runSweep } from '../src/sweep/sweep.js';
import { paramAsOverride } from '../src/sweep/trials.js';
import { tempDir } from '../test/helpers/cli.js';
import { benchQueuedSweep } from './queued-sweep.js';
import { secondsSince, twoAgainstOne } from './speedup.js';

/** Generator steps of each quickstart trial: a tenth of its 1200, trials of about a minute on wasm. */
const STEPS = Number(process.env.SWEEP_STEPS ?? 120);

/** Wall-clock seconds of a 4-trial lr sweep of the quickstart on wasm, one trial at a time and two at once. */
export async function benchSweep() {
  const file = fileURLToPath(new URL('../../experiments/quickstart.yaml', import.meta.url));
  const local = await twoAgainstOne('jobs', async (jobs) => {
    const overrides = [paramAsOverride('train.optimizer.g.lr=1e-4,2e-4,4e-4,8e-4'), `tracking.uri=${tempDir()}`];
    const start = performance.now();
    const { record } = await runSweep(file, overrides, { jobs, maxSteps: STEPS, backend: 'wasm', runsDir: tempDir() });
    if (record.trials.some((trial) => trial.status !== 'FINISHED'))
      throw new Error(`a trial failed with --jobs ${jobs}`);
    return secondsSince(start);
  });
  // The same sweep on one `gx worker` and on two, through a Redis queue.
  return { trials: 4, steps_per_trial: STEPS, ...local, queue: await benchQueuedSweep(STEPS) };
}

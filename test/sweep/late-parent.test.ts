import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runSweep } from '../../src/sweep/sweep.js';
import { tinyIn } from '../helpers/experiments.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { type MlflowServer, startMlflowServer } from '../helpers/mlflow-server.js';
import { runsOf } from '../helpers/tracking-checks.js';

describe('a sweep whose server is slow to create the parent run', () => {
  let server: MlflowServer;
  let proxy: FaultProxy;
  before(async () => {
    server = await startMlflowServer();
  });
  after(async () => {
    await proxy?.close();
    server?.stop();
  });

  it('nests under it the trials that started before it was created', async () => {
    // The server holds every request until the first trial has started; then it answers again.
    proxy = await startFaultProxy(server.uri, 'hang');
    const sweep = 'sweep: { method: grid, parameters: { train.optimizer.g.lr: [0.001, 0.002] } }\n';
    const dir = tinyIn('late-parent', `tracking: { uri: "${proxy.uri}" }\n${sweep}`);
    const lines: string[] = [];
    const result = runSweep(join(dir, 'late-parent.yaml'), [], {
      runsDir: join(dir, 'runs'),
      maxSteps: 1,
      parentPatienceMs: 500,
      backend: 'cpu',
      warn: (line) => lines.push(line),
      onTrial: () => {},
    });
    while (!lines.some((line) => /parent run is not created yet/.test(line))) await sleep(100);
    proxy.mode = 'pass';
    const { record } = await result;
    assert.deepEqual(
      record.trials.map((trial) => trial.status),
      ['FINISHED', 'FINISHED'],
    );
    const runs = await runsOf(server, 'late-parent');
    const tagsOf = (run: (typeof runs)[number]) =>
      Object.fromEntries((run.data.tags ?? []).map(({ key, value }) => [key, value]));
    const parents = runs.filter((run) => tagsOf(run)['mlflow.parentRunId'] === undefined);
    assert.equal(parents.length, 1, `top-level runs: ${parents.map((run) => run.info.run_name)}`);
    const children = runs.filter((run) => tagsOf(run)['mlflow.parentRunId'] === parents[0].info.run_id);
    assert.equal(children.length, 2);
  });
});

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { createLocalRun } from '../../src/tracking/local-store.js';
import { flattenParams } from '../../src/tracking/params.js';
import { gx, tempDir } from '../helpers/cli.js';
import { tinyYaml } from '../helpers/experiments.js';
import { mlflowJson } from '../helpers/mlflow.js';

/** What MLflow's own client reports of a run in a local store. */
function readWithMlflow(store: string, runId: string) {
  return mlflowJson(
    `
import json, mlflow
client = mlflow.MlflowClient(tracking_uri=${JSON.stringify(pathToFileURL(store).href)})
run = client.get_run(${JSON.stringify(runId)})
history = {k: [(m.step, 'NaN' if m.value != m.value else m.value) for m in client.get_metric_history(run.info.run_id, k)] for k in run.data.metrics}
artifacts = sorted(a.path for a in client.list_artifacts(run.info.run_id))
experiment = client.get_experiment(run.info.experiment_id).name
print(json.dumps({"status": run.info.status, "params": run.data.params, "tags": run.data.tags, "history": history, "artifacts": artifacts, "experiment": experiment}))
`,
  ) as {
    status: string;
    params: Record<string, string>;
    tags: Record<string, string>;
    history: Record<string, [number, number | 'NaN'][]>;
    artifacts: string[];
    experiment: string;
  };
}

describe("the local tracking store, as MLflow's own client reads it", () => {
  it('holds params, tags, metric histories with steps, artifacts and the final status', async () => {
    const store = tempDir();
    const tracker = await createLocalRun(store, { experiment: 'gans', runName: 'first', user: 'tester' });
    await tracker.logParams(
      flattenParams({ train: { optimizer: { g: { lr: 0.0002 } } }, eval: { metrics: ['fid', 'kid'] } }),
    );
    await tracker.setTags({ 'mlflow.runName': 'first', team: 'gx' });
    await tracker.logMetrics(
      [1, 2, 3].map((step) => ({ key: 'd_loss', value: step / 10, step, timestamp: 1000 + step })),
    );
    await tracker.logMetrics([{ key: 'd_loss', value: Number.NaN, step: 4, timestamp: 1005 }]);
    const file = join(tempDir(), 'grid.png');
    writeFileSync(file, 'png');
    await tracker.logArtifact(file, 'samples');
    await tracker.end('FINISHED');

    const run = readWithMlflow(store, tracker.runId);
    assert.equal(run.status, 'FINISHED');
    assert.equal(run.experiment, 'gans');
    assert.deepEqual(run.params, { 'train.optimizer.g.lr': '0.0002', 'eval.metrics': '["fid","kid"]' });
    assert.equal(run.tags.team, 'gx');
    assert.deepEqual(run.history.d_loss.slice(0, 3), [
      [1, 0.1],
      [2, 0.2],
      [3, 0.3],
    ]);
    assert.equal(run.history.d_loss.length, 4);
    assert.deepEqual(run.artifacts, ['samples']);
  });

  it('records a whole gx run when no tracking server is configured', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'tiny.yaml'), tinyYaml);
    const result = gx(['run', 'tiny.yaml', '--max-steps', '3', '--json'], {
      cwd: dir,
      env: { MLFLOW_TRACKING_URI: '' },
    });
    assert.equal(result.status, 0, result.stderr);
    const { tracking } = JSON.parse(result.stdout);
    const run = readWithMlflow(join(dir, 'mlruns'), tracking.runId);
    assert.equal(run.status, 'FINISHED');
    assert.equal(run.experiment, 'tiny');
    assert.equal(run.params['train.optimizer.g.lr'], '0.001');
    assert.equal(run.params['train.max_steps'], '3');
    assert.equal(run.tags['gx.backend'], 'cpu');
    assert.deepEqual(
      run.history.g_loss.map(([step]) => step),
      [1, 2, 3],
    );
    assert.deepEqual(run.artifacts, ['checkpoint', 'experiment.yaml', 'model', 'samples']);
  });
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { createLocalRun } from '../../src/tracking/local-store.js';
import { gx, repoRoot, tempDir } from '../helpers/cli.js';
import { tinyYaml } from '../helpers/experiments.js';
import { mlflowJson, mlflowPython } from '../helpers/mlflow.js';
import { freePort, mlflowApi } from '../helpers/mlflow-server.js';

/** What MLflow's own client reports of a run in a local store. */
function readWithMlflow(store: string, runId: string) {
  return mlflowJson(
    `
import json, mlflow
client = mlflow.MlflowClient(tracking_uri=${JSON.stringify(pathToFileURL(store).href)})
run = client.get_run(${JSON.stringify(runId)})
history = {k: [(m.step, 'NaN' if m.value != m.value else m.value) for m in client.get_metric_history(run.info.run_id, k)] for k in run.data.metrics}
artifacts = sorted(a.path for a in client.list_artifacts(run.info.run_id))
experiment = client.get_experiment(run.info.experiment_id)
print(json.dumps({"status": run.info.status, "name": run.info.run_name, "params": run.data.params, "tags": run.data.tags, "history": history, "artifacts": artifacts, "experiment": experiment.name, "experimentTags": experiment.tags}))
`,
  ) as {
    status: string;
    name: string;
    params: Record<string, string>;
    tags: Record<string, string>;
    history: Record<string, [number, number | 'NaN'][]>;
    artifacts: string[];
    experiment: string;
    experimentTags: Record<string, string>;
  };
}

describe("the local tracking store, as MLflow's own client reads it", () => {
  it('holds params, tags, metric histories with steps, artifacts and the final status', async () => {
    const store = tempDir();
    const tracker = await createLocalRun(store, {
      experiment: 'gans',
      runName: 'first',
      tags: { 'mlflow.user': 'tester' },
    });
    await tracker.logParams({ 'train.optimizer.g.lr': '0.0002', 'eval.metrics': '["fid","kid"]' });
    await tracker.setTags({ 'mlflow.runName': 'first', team: 'gx' });
    await tracker.logMetrics(
      [1, 2, 3].map((step) => ({ key: 'd_loss', value: step / 10, step, timestamp: 1000 + step })),
    );
    await tracker.logMetrics([{ key: 'd_loss', value: Number.NaN, step: 4, timestamp: 1005 }]);
    const file = join(tempDir(), 'grid.png');
    writeFileSync(file, 'png');
    await tracker.logArtifact(file, 'samples');
    await tracker.logImage('samples', 3, { width: 2, height: 1, channels: 1, pixels: new Uint8Array([0, 255]) });
    await tracker.end('FINISHED');

    const run = readWithMlflow(store, tracker.runId ?? '');
    assert.equal(run.status, 'FINISHED');
    assert.equal(run.experiment, 'gans');
    assert.deepEqual(run.params, { 'train.optimizer.g.lr': '0.0002', 'eval.metrics': '["fid","kid"]' });
    assert.equal(run.tags.team, 'gx');
    assert.equal(run.tags['mlflow.user'], 'tester');
    assert.equal(run.tags['mlflow.loggedImages'], 'True');
    assert.deepEqual(run.history.d_loss.slice(0, 3), [
      [1, 0.1],
      [2, 0.2],
      [3, 0.3],
    ]);
    assert.equal(run.history.d_loss.length, 4);
    assert.deepEqual(run.artifacts, ['images', 'samples']);
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
    // Params are the experiment's settings only; the rest is in tags.
    assert.deepEqual(
      Object.keys(run.params).filter(
        (key) => !/^(seed|data|model|loss|train|eval|runtime)\./.test(key) && key !== 'seed',
      ),
      [],
    );
    assert.equal(run.name, 'tiny max_steps=3');
    assert.equal(run.tags['gx.backend'], 'cpu');
    // MLflow 3's UI opens the experiment on its runs table, not on the GenAI overview.
    assert.equal(run.experimentTags['mlflow.experimentKind'], 'custom_model_development');
    // The record repeats the run: experiment.yaml holds the --max-steps that ran.
    const [runFolder] = readdirSync(join(dir, 'runs'));
    assert.match(readFileSync(join(dir, 'runs', runFolder, 'experiment.yaml'), 'utf8'), /^ {2}max_steps: 3$/m);
    assert.deepEqual(
      run.history.g_loss.map(([step]) => step),
      [1, 2, 3],
    );
    assert.deepEqual(run.artifacts, ['checkpoint', 'evolution.gif', 'experiment.yaml', 'images', 'model', 'samples']);
  });

  it('lists its runs (`gx runs`) and opens them in the MLflow UI (`gx ui`)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'tiny.yaml'), tinyYaml);
    for (const lr of ['0.001', '0.002'])
      assert.equal(
        gx(['run', 'tiny.yaml', '--max-steps', '2', '--set', `train.optimizer.g.lr=${lr}`], { cwd: dir }).status,
        0,
      );

    const table = gx(['runs', 'tiny'], { cwd: dir });
    assert.equal(table.status, 0, table.stderr);
    const [header, ...rows] = table.stdout.trim().split('\n');
    // The param that differs between the runs is the one shown (by the end of its path); the newest run comes first.
    assert.match(header, /^run +experiment +status +started +lr +d_loss +g_loss$/);
    assert.equal(rows.length, 2);
    // Each run is named by what differs from its file (which has lr 0.001).
    assert.match(rows[0], /^tiny lr=0\.002 max_steps=2 +tiny +FINISHED .* 0\.002 /);
    assert.match(rows[1], /^tiny max_steps=2 +tiny +FINISHED .* 0\.001 /);
    const missing = gx(['runs', 'nope'], { cwd: dir });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /no experiment "nope" in .*mlruns/);

    const print = gx(['ui', '--print'], { cwd: dir });
    assert.equal(
      print.stdout.trim(),
      `MLFLOW_ALLOW_FILE_STORE=true mlflow ui --backend-store-uri ${join(dir, 'mlruns')} --port 5000`,
    );
    const noMlflow = gx(['ui'], { cwd: dir, env: { PATH: dirname(process.execPath) } });
    assert.equal(noMlflow.status, 1);
    assert.match(noMlflow.stderr, /hint: pip install mlflow/);

    // With MLflow on the PATH, `gx ui` serves the store: MLflow's own server lists both runs.
    const port = await freePort();
    const ui = spawn(process.execPath, [join(repoRoot, 'bin/run.js'), 'ui', 'tiny', '--port', String(port)], {
      cwd: dir,
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, PATH: `${dirname(mlflowPython())}:${process.env.PATH}`, MLFLOW_TRACKING_URI: '' },
    });
    try {
      const uri = `http://127.0.0.1:${port}`;
      let runs: unknown[] | undefined;
      for (const deadline = Date.now() + 120_000; runs === undefined && Date.now() < deadline; await sleep(500)) {
        const experiment = await mlflowApi<{ experiment: { experiment_id: string } }>(
          { uri },
          'mlflow/experiments/get-by-name',
          {
            experiment_name: 'tiny',
          },
        ).catch(() => undefined);
        if (experiment)
          runs = (
            await mlflowApi<{ runs: unknown[] }>({ uri }, 'mlflow/runs/search', undefined, {
              experiment_ids: [experiment.experiment.experiment_id],
            })
          ).runs;
      }
      assert.equal(runs?.length, 2);
      // The link opens the experiment's runs table (MLflow 3 opens an experiment on its GenAI overview otherwise).
      let printed = '';
      ui.stdout?.on('data', (chunk) => (printed += chunk));
      for (const deadline = Date.now() + 5000; !printed.includes('\n') && Date.now() < deadline; ) await sleep(100);
      assert.match(
        printed,
        new RegExp(`: http://127\\.0\\.0\\.1:${port}/#/experiments/\\d+/runs \\(Ctrl-C stops it\\)`),
      );
    } finally {
      if (ui.pid) process.kill(-ui.pid, 'SIGKILL');
    }
  });
});

describe('the local store keeps to its folder and its ids', () => {
  it('refuses keys MLflow refuses, in `gx validate` at their line and in the store itself', async () => {
    const dir = tempDir();
    const yaml = `${tinyYaml}tracking:\n  tags:\n    team: gx\n    "../../../../../escaped": x\n    "/../../tmp/escaped": y\n`;
    writeFileSync(join(dir, 'tags.yaml'), yaml);
    const validate = gx(['validate', 'tags.yaml'], { cwd: dir });
    assert.equal(validate.status, 1);
    const lines = validate.stderr.trim().split('\n');
    assert.equal(lines.length, 2, validate.stderr);
    assert.match(
      lines[0],
      /^tags\.yaml:17:5: tracking\.tags key "\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/escaped" is not a key MLflow accepts: it is a path that leads out of its folder/,
    );
    assert.match(lines[1], /^tags\.yaml:18:5: tracking\.tags key "\/\.\.\/\.\.\/tmp\/escaped" /);
    const run = gx(['run', 'tags.yaml', '--max-steps', '1'], { cwd: dir });
    assert.equal(run.status, 1);
    assert.ok(!existsSync(join(dir, 'mlruns')));

    // Defence in depth: the store never takes a key for a path without MLflow's check.
    const store = join(tempDir(), 'nested', 'mlruns');
    const tracker = await createLocalRun(store, { experiment: 'keys', runName: 'k', tags: {} });
    for (const key of ['../../../escaped', '/../escaped', 'a//b', 'a/./b', '..', '', 'x'.repeat(251), 'new\nline'])
      await assert.rejects(tracker.setTags({ [key]: 'v' }), /TRACKING_KEY_INVALID|not a key MLflow accepts/);
    await assert.rejects(tracker.logParams({ '../../../escaped': 'v' }));
    await assert.rejects(tracker.logMetrics([{ key: '../../../escaped', value: 1, step: 1, timestamp: 1 }]));
    await tracker.setTags({ 'a/b c:d.e-f_g': 'kept' });
    await tracker.end('FINISHED');
    assert.deepEqual(readdirSync(dirname(store)), ['mlruns']);
    assert.equal(readWithMlflow(store, tracker.runId ?? '').tags['a/b c:d.e-f_g'], 'kept');
  });

  it('gives experiments created at once their own ids, and one id to one name', async () => {
    const store = tempDir();
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'shared', 'shared', 'shared'];
    const trackers = await Promise.all(
      names.map((experiment, i) => createLocalRun(store, { experiment, runName: `r${i}`, tags: {} })),
    );
    for (const tracker of trackers) await tracker.end('FINISHED');
    const experiments = mlflowJson(
      `
import json, mlflow
client = mlflow.MlflowClient(tracking_uri=${JSON.stringify(pathToFileURL(store).href)})
print(json.dumps({e.name: [r.info.run_name for r in client.search_runs([e.experiment_id])] for e in client.search_experiments()}))
`,
    ) as Record<string, string[]>;
    assert.deepEqual(Object.keys(experiments).sort(), ['a', 'b', 'c', 'd', 'e', 'f', 'shared']);
    assert.deepEqual(experiments.a, ['r0']);
    assert.deepEqual(experiments.shared.sort(), ['r6', 'r7', 'r8']);
    // Nothing but experiments in the store: no lock or temporary file left behind.
    assert.deepEqual(
      readdirSync(store)
        .filter((entry) => entry !== '.trash')
        .sort(),
      ['1', '2', '3', '4', '5', '6', '7'],
    );
  });
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SweepRecord } from '../../src/sweep/sweep.js';
import { gx, repoRoot } from '../helpers/cli.js';
import { tinyIn } from '../helpers/experiments.js';
import { type MlflowServer, mlflowApi, startMlflowServer } from '../helpers/mlflow-server.js';

type Pair<V = string> = { key: string; value: V };
interface Experiment {
  experiment_id: string;
  tags?: Pair[];
}
interface Run {
  info: { run_id: string; run_name: string; status: string; artifact_uri: string };
  data: { params?: Pair[]; tags?: Pair[]; metrics?: Pair<number>[] };
}
interface FullRun extends Run {
  inputs?: { dataset_inputs?: { tags: Pair[]; dataset: { name: string; digest: string } }[] };
  outputs?: { model_outputs?: { model_id: string; step: number | string }[] };
}
interface LoggedModel {
  info: { status: string; source_run_id: string; name: string };
}
const asRecord = <V>(pairs: Pair<V>[] = []) => Object.fromEntries(pairs.map(({ key, value }) => [key, value]));

describe('gx sweep', () => {
  let server: MlflowServer;
  before(async () => {
    server = await startMlflowServer();
  });
  after(() => server?.stop());

  /** An artifact of a run, through the server's artifact proxy. */
  const artifact = async (run: Run, path: string): Promise<Buffer> => {
    const root = new URL(run.info.artifact_uri).pathname.replace(/^\/+/, '');
    const response = await fetch(`${server.uri}/api/2.0/mlflow-artifacts/artifacts/${root}/${path}`);
    assert.equal(response.status, 200, `${path} of ${run.info.run_name}`);
    return Buffer.from(await response.arrayBuffer());
  };

  it('records a 3-point lr sweep as a parent run with three nested children on an MLflow server', async () => {
    // Evaluated with FID and class accuracy (gx's shipped classifier): the trials are ranked by FID.
    const dir = tinyIn('lrsweep', 'eval: { every: 0, samples: 100, metrics: [fid, class_accuracy] }\n');
    const result = gx(
      [
        'sweep',
        'lrsweep.yaml',
        '--param',
        'train.optimizer.g.lr=1e-3,2e-3,4e-3',
        '--max-steps',
        '3',
        '--backend',
        'wasm',
        '--json',
      ],
      { cwd: dir, env: { MLFLOW_TRACKING_URI: server.uri } },
    );
    assert.equal(result.status, 0, result.stderr);
    const sweep = JSON.parse(result.stdout) as SweepRecord & { sweepDir: string };

    const { experiment } = await mlflowApi<{ experiment: Experiment }>(server, 'mlflow/experiments/get-by-name', {
      experiment_name: 'lrsweep',
    });
    // MLflow 3's UI opens this experiment on its runs table, not on the GenAI overview.
    assert.equal(asRecord(experiment.tags)['mlflow.experimentKind'], 'custom_model_development');
    const { runs } = await mlflowApi<{ runs: Run[] }>(server, 'mlflow/runs/search', undefined, {
      experiment_ids: [experiment.experiment_id],
    });
    assert.equal(runs.length, 4);
    const parent = runs.find((run) => asRecord(run.data.tags)['mlflow.parentRunId'] === undefined) as Run;
    assert.equal(parent.info.run_id, sweep.parent.runId);
    assert.equal(parent.info.status, 'FINISHED');
    assert.equal(parent.info.run_name, 'lrsweep sweep lr=[0.001,0.002,0.004]');
    const children = runs.filter((run) => run !== parent);
    for (const child of children) {
      const tags = asRecord(child.data.tags);
      const params = asRecord(child.data.params);
      assert.equal(tags['mlflow.parentRunId'], parent.info.run_id);
      assert.equal(child.info.status, 'FINISHED');
      const trial = sweep.trials.find((t) => t.runId === child.info.run_id);
      assert.ok(trial, `child ${child.info.run_id} is a trial of the sweep`);
      // Named by the value it varies; its params are the experiment's settings, its bookkeeping is in tags.
      assert.equal(child.info.run_name, `lr=${trial.values['train.optimizer.g.lr']}`);
      assert.equal(Number(params['train.optimizer.g.lr']), trial.values['train.optimizer.g.lr']);
      assert.deepEqual(
        Object.keys(params).filter((key) => /^(tracking|sweep|name|description)\b/.test(key)),
        [],
      );
      assert.equal(tags['gx.trial'], String(trial.index));
      assert.equal(tags['gx.sweep'], sweep.id);
      // The stored experiment repeats the run: it holds the --max-steps that ran, as the param does.
      assert.equal(params['train.max_steps'], '3');
      const stored = await artifact(child, 'experiment.yaml');
      assert.match(stored.toString('utf8'), /^ {2}max_steps: 3$/m);
      assert.match(tags['mlflow.note.content'], /^ {2}max_steps: 3$/m);
      // The data it trained on (Dataset column) and the generator as a LoggedModel (Models column).
      const { run: full } = await mlflowApi<{ run: FullRun }>(server, 'mlflow/runs/get', { run_id: child.info.run_id });
      const [input] = full.inputs?.dataset_inputs ?? [];
      assert.equal(input?.dataset.name, 'mnist-train');
      assert.match(input?.dataset.digest ?? '', /^[0-9a-f]{8}$/);
      assert.deepEqual(input?.tags, [{ key: 'mlflow.data.context', value: 'training' }]);
      const [output] = full.outputs?.model_outputs ?? [];
      assert.equal(Number(output?.step), 3);
      const { model } = await mlflowApi<{ model: LoggedModel }>(server, `mlflow/logged-models/${output.model_id}`);
      assert.equal(model.info.status, 'LOGGED_MODEL_READY');
      assert.equal(model.info.source_run_id, child.info.run_id);
      // Named for its run: MLflow takes no "." in a model name.
      assert.equal(model.info.name, `generator of ${child.info.run_name.replaceAll('.', ',')}`);
      const modelFiles = await mlflowApi<{ files: { path: string }[] }>(
        server,
        `mlflow/logged-models/${output.model_id}/artifacts/directories`,
      );
      assert.ok(
        modelFiles.files.some((file) => file.path === 'model.json'),
        JSON.stringify(modelFiles),
      );
    }
    assert.deepEqual(
      children.map((c) => Number(asRecord(c.data.params)['train.optimizer.g.lr'])).sort(),
      [1e-3, 2e-3, 4e-3],
    );

    // The summary on the parent: the spec as params, the trials ranked by FID with their class accuracy, the best.
    const parentTags = asRecord(parent.data.tags);
    assert.equal(asRecord(parent.data.params)['sweep.train.optimizer.g.lr'], '[0.001,0.002,0.004]');
    assert.equal(parentTags['gx.sweep.finished'], '3');
    assert.equal(parentTags['gx.sweep.metric'], 'fid');
    // Cells padded with en spaces: MLflow's description gives a table's cells no padding of its own.
    assert.match(
      parentTags['mlflow.note.content'],
      /^\|&ensp;#&ensp;\|&ensp;run&ensp;\|&ensp;fid&ensp;\|&ensp;class_accuracy&ensp;\|&ensp;status&ensp;\|$/m,
    );
    const fids = sweep.trials.map((trial) => Number(trial.metrics?.fid));
    assert.ok(fids.every(Number.isFinite), JSON.stringify(sweep.trials));
    const best = sweep.trials[fids.indexOf(Math.min(...fids))];
    assert.equal(parentTags['gx.sweep.best_trial'], String(best.index));
    assert.equal(parentTags['gx.sweep.best_run_id'], best.runId);
    // The best trial, and each trial in the ranking, as a link to its run.
    const bestLink = `[lr=${best.values['train.optimizer.g.lr']}](#/experiments/${experiment.experiment_id}/runs/${best.runId})`;
    assert.ok(parentTags['mlflow.note.content'].includes(`Best: ${bestLink}`), parentTags['mlflow.note.content']);
    assert.match(
      parentTags['mlflow.note.content'],
      new RegExp(`^\\|&ensp;1&ensp;\\|&ensp;${bestLink.replace(/[[\]().]/g, '\\$&')}&ensp;\\|`, 'm'),
    );
    assert.equal(asRecord(parent.data.metrics).best_fid, Math.min(...fids));
    const { files } = await mlflowApi<{ files: { path: string }[] }>(server, 'mlflow/artifacts/list', {
      run_id: parent.info.run_id,
    });
    assert.deepEqual(files.map((f) => f.path).sort(), ['report.html', 'sweep.json', 'trials.csv']);
    // The report on the parent is the one in the sweep's folder: the three trials' grids, best first.
    const report = (await artifact(parent, 'report.html')).toString('utf8');
    assert.equal(report, readFileSync(join(sweep.sweepDir, 'report.html'), 'utf8'));
    assert.equal(report.match(/<figure class="run"/g)?.length, 3);
    assert.match(report, new RegExp(`1\\. lr=${best.values['train.optimizer.g.lr']}<`));
    const csv = readFileSync(join(sweep.sweepDir, 'trials.csv'), 'utf8').trim().split('\n');
    assert.equal(csv.length, 4);

    // The same runs read back from the server (`gx report --experiment`): the trained runs, each with its grid.
    const fromServer = gx(['report', '--experiment', 'lrsweep', '-o', 'server.html', '--json'], {
      cwd: dir,
      env: { MLFLOW_TRACKING_URI: server.uri },
    });
    assert.equal(fromServer.status, 0, fromServer.stderr);
    assert.equal(JSON.parse(fromServer.stdout).runs, 3);
    const page = readFileSync(join(dir, 'server.html'), 'utf8');
    assert.equal(page.match(/<img class="grid" src="data:image\/png;base64,/g)?.length, 3);
    for (const trial of sweep.trials) assert.ok(page.includes(`lr=${trial.values['train.optimizer.g.lr']}<`));
    assert.match(page, /<svg[^>]*class="marks"[\s\S]*FID \(lower is better\)/);
  });

  it('records a diverging trial FAILED and finishes the others', () => {
    const dir = tinyIn('diverge');
    const result = gx(
      ['sweep', 'diverge.yaml', '--param', 'train.optimizer.g.lr=1e-3,1e30,2e-3', '--max-steps', '3', '--json'],
      {
        cwd: dir,
      },
    );
    assert.equal(result.status, 0, result.stderr);
    const sweep = JSON.parse(result.stdout) as SweepRecord;
    assert.deepEqual(
      sweep.trials.map((t) => t.status),
      ['FINISHED', 'FAILED', 'FINISHED'],
    );
    assert.match(sweep.trials[1].error ?? '', /diverged at step \d+: [dg]_loss is NaN/);
  });

  it('stops cleanly on Ctrl-C after 2 of 4 trials, and --resume runs only the other 2', async () => {
    const dir = tinyIn('halt');
    const args = ['sweep', 'halt.yaml', '--param', 'train.optimizer.g.lr=1e-3,2e-3,3e-3,4e-3', '--max-steps', '60'];
    const child = spawn(process.execPath, [join(repoRoot, 'bin/run.js'), ...args], {
      cwd: dir,
      env: { ...process.env, MLFLOW_TRACKING_URI: '' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    while ((stderr.match(/finished/g) ?? []).length < 2) {
      assert.equal(child.exitCode, null, stderr);
      await sleep(100);
    }
    child.kill('SIGINT');
    assert.equal(await exited, 130, stderr);
    const [sweepName] = readdirSync(join(dir, 'runs'));
    const sweepDir = join(dir, 'runs', sweepName);
    const stopped = JSON.parse(readFileSync(join(sweepDir, 'sweep.json'), 'utf8')) as SweepRecord;
    assert.deepEqual(
      stopped.trials.slice(0, 2).map((t) => t.status),
      ['FINISHED', 'FINISHED'],
    );
    assert.ok(stopped.trials.slice(2).every((t) => t.status === 'STOPPED' || t.status === 'PENDING'));

    const resumed = gx(['sweep', '--resume', sweepDir], { cwd: dir });
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.deepEqual(resumed.stderr.match(/trial \d+ finished/g), ['trial 3 finished', 'trial 4 finished']);
    const done = JSON.parse(readFileSync(join(sweepDir, 'sweep.json'), 'utf8')) as SweepRecord;
    assert.deepEqual(
      done.trials.map((t) => t.status),
      ['FINISHED', 'FINISHED', 'FINISHED', 'FINISHED'],
    );
    assert.deepEqual(
      done.trials.slice(0, 2).map((t) => t.runDir),
      stopped.trials.slice(0, 2).map((t) => t.runDir),
    );
    // A trial resumed from its checkpoint keeps its name.
    for (const trial of done.trials) {
      const { runName } = JSON.parse(readFileSync(join(trial.runDir as string, 'run.json'), 'utf8'));
      assert.equal(runName, `lr=${trial.values['train.optimizer.g.lr']}`);
    }
    // One run per trial: a stopped trial went on in its own folder, none ran twice.
    const trialFolders = readdirSync(join(sweepDir, 'trials')).filter((name) => !/\.(yaml|log)$/.test(name));
    assert.deepEqual(
      trialFolders.map((folder) => readdirSync(join(sweepDir, 'trials', folder)).length),
      [1, 1, 1, 1],
    );
  });
});

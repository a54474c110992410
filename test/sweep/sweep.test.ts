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

interface Run {
  info: { run_id: string; run_name: string; status: string };
  data: { params?: { key: string; value: string }[]; tags?: { key: string; value: string }[] };
}
const asRecord = (pairs: { key: string; value: string }[] = []) =>
  Object.fromEntries(pairs.map(({ key, value }) => [key, value]));

describe('gx sweep', () => {
  let server: MlflowServer;
  before(async () => {
    server = await startMlflowServer();
  });
  after(() => server?.stop());

  it('records a 3-point lr sweep as a parent run with three nested children on an MLflow server', async () => {
    const dir = tinyIn('lrsweep');
    const result = gx(
      ['sweep', 'lrsweep.yaml', '--param', 'train.optimizer.g.lr=1e-3,2e-3,4e-3', '--max-steps', '3', '--json'],
      { cwd: dir, env: { MLFLOW_TRACKING_URI: server.uri } },
    );
    assert.equal(result.status, 0, result.stderr);
    const sweep = JSON.parse(result.stdout) as SweepRecord & { sweepDir: string };

    const { experiment } = await mlflowApi<{ experiment: { experiment_id: string } }>(
      server,
      'mlflow/experiments/get-by-name',
      {
        experiment_name: 'lrsweep',
      },
    );
    const { runs } = await mlflowApi<{ runs: Run[] }>(server, 'mlflow/runs/search', undefined, {
      experiment_ids: [experiment.experiment_id],
    });
    assert.equal(runs.length, 4);
    const parent = runs.find((run) => asRecord(run.data.tags)['mlflow.parentRunId'] === undefined) as Run;
    assert.equal(parent.info.run_id, sweep.parent.runId);
    assert.equal(parent.info.status, 'FINISHED');
    const children = runs.filter((run) => run !== parent);
    for (const child of children) {
      const tags = asRecord(child.data.tags);
      assert.equal(tags['mlflow.parentRunId'], parent.info.run_id);
      assert.equal(child.info.status, 'FINISHED');
      const trial = sweep.trials.find((t) => t.runId === child.info.run_id);
      assert.ok(trial, `child ${child.info.run_id} is a trial of the sweep`);
      assert.equal(Number(asRecord(child.data.params)['train.optimizer.g.lr']), trial.values['train.optimizer.g.lr']);
      assert.equal(tags['gx.trial'], String(trial.index));
    }
    assert.deepEqual(
      children.map((c) => Number(asRecord(c.data.params)['train.optimizer.g.lr'])).sort(),
      [1e-3, 2e-3, 4e-3],
    );

    // The summary on the parent: the spec as params, the ranked table as its description and as trials.csv.
    const parentTags = asRecord(parent.data.tags);
    assert.equal(asRecord(parent.data.params)['sweep.train.optimizer.g.lr'], '[0.001,0.002,0.004]');
    assert.equal(parentTags['gx.sweep.finished'], '3');
    assert.match(
      parentTags['mlflow.note.content'],
      /\| rank \| trial \| train\.optimizer\.g\.lr \| status \| g_loss \| run \|/,
    );
    const { files } = await mlflowApi<{ files: { path: string }[] }>(server, 'mlflow/artifacts/list', {
      run_id: parent.info.run_id,
    });
    assert.deepEqual(files.map((f) => f.path).sort(), ['sweep.json', 'trials.csv']);
    const csv = readFileSync(join(sweep.sweepDir, 'trials.csv'), 'utf8').trim().split('\n');
    assert.equal(csv.length, 4);
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
    assert.deepEqual(resumed.stderr.match(/trial \d+ \w+/g), ['trial 3 finished', 'trial 4 finished']);
    const done = JSON.parse(readFileSync(join(sweepDir, 'sweep.json'), 'utf8')) as SweepRecord;
    assert.deepEqual(
      done.trials.map((t) => t.status),
      ['FINISHED', 'FINISHED', 'FINISHED', 'FINISHED'],
    );
    assert.deepEqual(
      done.trials.slice(0, 2).map((t) => t.runDir),
      stopped.trials.slice(0, 2).map((t) => t.runDir),
    );
    // One run per trial: a stopped trial went on in its own folder, none ran twice.
    const trialFolders = readdirSync(join(sweepDir, 'trials')).filter((name) => !/\.(yaml|log)$/.test(name));
    assert.deepEqual(
      trialFolders.map((folder) => readdirSync(join(sweepDir, 'trials', folder)).length),
      [1, 1, 1, 1],
    );
  });
});

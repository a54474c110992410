import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import { createServerRun } from '../../src/tracking/server-tracker.js';
import { gx, repoRoot, tempDir } from '../helpers/cli.js';
import { tinyIn } from '../helpers/experiments.js';
import { ADMIN, type MlflowServer, mlflowApi, startMlflowServer } from '../helpers/mlflow-server.js';

interface RunInfo {
  info: { run_id: string; status: string; experiment_id: string };
  data: { params?: { key: string; value: string }[]; tags?: { key: string; value: string }[] };
}

/** Short retries: the tests' outages are seconds long, not the minutes the defaults ride out. */
const quickRetries = { MLFLOW_HTTP_REQUEST_MAX_RETRIES: '6', MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR: '0.5' };

async function runsOf(server: MlflowServer, experiment: string): Promise<RunInfo[]> {
  const found = await mlflowApi<{ experiment?: { experiment_id: string } }>(server, 'mlflow/experiments/get-by-name', {
    experiment_name: experiment,
  });
  const { runs } = await mlflowApi<{ runs?: RunInfo[] }>(server, 'mlflow/runs/search', undefined, {
    experiment_ids: [found.experiment?.experiment_id],
    max_results: 100,
  });
  return runs ?? [];
}

async function history(server: MlflowServer, runId: string, key: string): Promise<number[]> {
  const { metrics } = await mlflowApi<{ metrics?: { step: number }[] }>(server, 'mlflow/metrics/get-history', {
    run_id: runId,
    metric_key: key,
    max_results: '25000',
  });
  return (metrics ?? []).map((m) => m.step).sort((a, b) => a - b);
}

async function artifacts(server: MlflowServer, runId: string, path = ''): Promise<string[]> {
  const { files } = await mlflowApi<{ files?: { path: string }[] }>(server, 'mlflow/artifacts/list', {
    run_id: runId,
    path,
  });
  return (files ?? []).map((f) => f.path);
}

const steps = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const tagsOf = (run: RunInfo) => Object.fromEntries((run.data.tags ?? []).map(({ key, value }) => [key, value]));

describe('tracking on a real MLflow server', () => {
  let server: MlflowServer;
  before(async () => {
    server = await startMlflowServer();
  });
  after(() => server?.stop());

  it('records a gx run whole: FINISHED, params, tags, metric histories, sample grids, step images, model, config', async () => {
    const dir = tinyIn('whole');
    const result = gx(['run', 'whole.yaml', '--max-steps', '10', '--json'], {
      cwd: dir,
      env: { MLFLOW_TRACKING_URI: server.uri },
    });
    assert.equal(result.status, 0, result.stderr);
    const { tracking } = JSON.parse(result.stdout);
    assert.equal(tracking.store, server.uri);

    const [run] = await runsOf(server, 'whole');
    assert.equal(run.info.run_id, tracking.runId);
    assert.equal(run.info.status, 'FINISHED');
    const params = Object.fromEntries((run.data.params ?? []).map(({ key, value }) => [key, value]));
    assert.equal(params['train.optimizer.g.lr'], '0.001');
    assert.equal(params['loss.type'], 'standard');
    const tags = tagsOf(run);
    assert.equal(tags['mlflow.runName'], 'whole max_steps=10'); // named by what differs from its file
    assert.equal(tags['mlflow.source.type'], 'LOCAL');
    assert.equal(tags['gx.backend'], 'cpu');
    assert.equal(tags['mlflow.loggedImages'], 'True');
    assert.match(tags['mlflow.note.content'], /name: whole/);
    assert.equal(tags['mlflow.source.git.commit']?.length, undefined); // a temp folder is no repository

    for (const key of ['g_loss', 'd_loss', 'd_real', 'd_fake'])
      assert.deepEqual(await history(server, run.info.run_id, key), steps(10));
    assert.deepEqual(await artifacts(server, run.info.run_id), [
      'checkpoint',
      'evolution.gif',
      'experiment.yaml',
      'images',
      'model',
      'samples',
    ]);
    // 8 steps an epoch: the grid of epoch 1 (step 8) and the last one (step 10), each also a step image.
    assert.deepEqual(await artifacts(server, run.info.run_id, 'samples'), [
      'samples/epoch-0001.png',
      'samples/step-000010.png',
    ]);
    assert.ok((await artifacts(server, run.info.run_id, 'model')).includes('model/model.json'));
    const images = (await artifacts(server, run.info.run_id, 'images')).sort();
    // Steps 0 (the untrained G's, where MLflow's image card opens), 10 and 8, each a PNG and its thumbnail.
    assert.equal(images.length, 6);
    assert.match(images[0], /^images\/samples\+step\+0\+timestamp\+\d+\+[0-9a-f-]{36}\+compressed\.webp$/);
    assert.match(images[2], /^images\/samples\+step\+10\+timestamp\+\d+\+[0-9a-f-]{36}\+compressed\.webp$/);
    assert.match(images[3], /^images\/samples\+step\+10\+timestamp\+\d+\+[0-9a-f-]{36}\.png$/);
    assert.match(images[4], /^images\/samples\+step\+8\+timestamp\+\d+\+[0-9a-f-]{36}\+compressed\.webp$/);

    // The grid served back through the artifact proxy is the PNG in the run folder.
    const served = await fetch(
      `${server.uri}/get-artifact?path=samples/step-000010.png&run_uuid=${run.info.run_id}`,
    ).then((r) => r.arrayBuffer());
    const { runDir } = JSON.parse(result.stdout);
    assert.deepEqual(Buffer.from(served), readFileSync(join(runDir, 'samples', 'step-000010.png')));

    // The logged model carries the run's last metrics, each naming the data it was trained on.
    type ModelMetric = { key: string; value: number; step: string; dataset_name?: string; dataset_digest?: string };
    const { run: full } = await mlflowApi<{ run: { outputs?: { model_outputs?: { model_id: string }[] } } }>(
      server,
      'mlflow/runs/get',
      { run_id: run.info.run_id },
    );
    const [output] = full.outputs?.model_outputs ?? [];
    const { model } = await mlflowApi<{ model: { data?: { metrics?: ModelMetric[] } } }>(
      server,
      `mlflow/logged-models/${output?.model_id}`,
    );
    const modelMetrics = new Map((model.data?.metrics ?? []).map((metric) => [metric.key, metric]));
    for (const key of ['g_loss', 'd_loss']) {
      const metric = modelMetrics.get(key);
      assert.equal(Number(metric?.step), 10, JSON.stringify(model.data));
      assert.equal(metric?.dataset_name, 'mnist-train');
      assert.match(metric?.dataset_digest ?? '', /^[0-9a-f]{8}$/);
      // The run's history got no second point for it.
      assert.deepEqual(await history(server, run.info.run_id, key), steps(10));
    }

    const table = gx(['runs', 'whole'], { cwd: dir, env: { MLFLOW_TRACKING_URI: server.uri } });
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, new RegExp(`^${tags['mlflow.runName']} +whole +FINISHED `, 'm'));
  });

  it('logs a grid every N steps as a step image with a small thumbnail, and the evolution GIF', async () => {
    const dir = tinyIn('stepgrids');
    const result = gx(['run', 'stepgrids.yaml', '--max-steps', '10', '--set', 'train.sample_every_steps=2', '--json'], {
      cwd: dir,
      env: { MLFLOW_TRACKING_URI: server.uri },
    });
    assert.equal(result.status, 0, result.stderr);
    const { tracking, runDir } = JSON.parse(result.stdout);
    const runId = tracking.runId;
    // The server closed this process's idle connections while gx ran (spawnSync blocks the event loop): let undici
    // see that before it picks one for the next request ("other side closed").
    await sleep(100);
    // Steps 0 (the untrained G's), 2, 4, 6, 8 (also epoch 1's end: one grid) and 10.
    const images = await artifacts(server, runId, 'images');
    const stepsOf = (suffix: string) =>
      images
        .filter((path) => path.endsWith(suffix))
        .map((path) => Number(/\+step\+(\d+)\+/.exec(path)?.[1]))
        .sort((a, b) => a - b);
    assert.deepEqual(stepsOf('+compressed.webp'), [0, 2, 4, 6, 8, 10]);
    assert.deepEqual(stepsOf('.png'), [0, 2, 4, 6, 8, 10]);
    const get = (path: string) =>
      fetch(`${server.uri}/get-artifact?path=${encodeURIComponent(path)}&run_uuid=${runId}`).then(async (r) =>
        Buffer.from(await r.arrayBuffer()),
      );
    const thumbnail = await get(images.find((path) => path.endsWith('+compressed.webp')) ?? '');
    const { format, width, height } = await sharp(thumbnail).metadata();
    assert.deepEqual([format, width, height], ['webp', 256, 256]);
    assert.ok(thumbnail.length < 16_000, `${thumbnail.length} bytes`);

    assert.ok((await artifacts(server, runId)).includes('evolution.gif'));
    const gif = await get('evolution.gif');
    assert.deepEqual(gif, readFileSync(join(runDir, 'evolution.gif')));
    const { pages, pageHeight } = await sharp(gif, { animated: true }).metadata();
    assert.deepEqual([pages, pageHeight], [5, 302]); // 10 rows of 28 px, 2 px apart
  });

  it('accepts more than 1000 metric points and 100 params, NaN and infinities included, without one 400', async () => {
    const warnings: string[] = [];
    const tracker = await createServerRun(
      join(tempDir(), 'mlflow'),
      { uri: server.uri, experiment: 'limits', runName: 'many', tags: { 'mlflow.user': 'tester' } },
      (line) => warnings.push(line),
    );
    await tracker.logParams(Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`p.${i}`, String(i)])));
    const points = steps(2500).map((step) => ({
      key: 'loss',
      value: step === 7 ? Number.NaN : step,
      step,
      timestamp: 1e12 + step,
    }));
    points.push({ key: 'ratio', value: Number.POSITIVE_INFINITY, step: 1, timestamp: 1e12 });
    await tracker.logMetrics(points);
    await tracker.end('FINISHED');
    assert.deepEqual(warnings, []);

    const [run] = await runsOf(server, 'limits');
    assert.equal(run.info.status, 'FINISHED');
    assert.equal(run.data.params?.length, 150);
    assert.deepEqual(await history(server, run.info.run_id, 'loss'), steps(2500));
  });

  it('completes the metric history with no gaps and no duplicates when the server is killed mid-run and restarted', async () => {
    const dir = tinyIn('outage');
    // 240 steps (3 epochs of 80), long enough to kill the server once the first metrics are in.
    const child = spawn(
      process.execPath,
      [
        join(repoRoot, 'bin/run.js'),
        'run',
        'outage.yaml',
        '--json',
        '--set',
        'data.limit=640',
        '--set',
        'train.epochs=3',
      ],
      { cwd: dir, env: { ...process.env, MLFLOW_TRACKING_URI: server.uri, ...quickRetries } },
    );
    let [stdout, stderr] = ['', ''];
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));

    let runId: string | undefined;
    while (runId === undefined || (await history(server, runId, 'g_loss')).length === 0) {
      assert.equal(child.exitCode, null, `gx ended before the outage: ${stderr}`);
      await sleep(200);
      runId = (await runsOf(server, 'outage').catch(() => []))[0]?.info.run_id;
    }
    server.kill();
    // Down until gx has found it gone (and said so), so that the outage really cuts into the run.
    while (!/unreachable/.test(stderr)) {
      assert.equal(child.exitCode, null, `gx ended during the outage: ${stderr}`);
      await sleep(200);
    }
    await server.restart();
    assert.equal(await exited, 0, stderr);
    assert.match(stderr, /is back/);

    assert.equal(JSON.parse(stdout).tracking.runId, runId);
    const [run] = await runsOf(server, 'outage');
    assert.equal(run.info.status, 'FINISHED');
    for (const key of ['g_loss', 'd_loss']) assert.deepEqual(await history(server, runId, key), steps(240));
  });

  it('keeps a run on disk while the server is down for all of it, and `gx sync` sends it exactly once', async () => {
    const dir = tinyIn('offline');
    server.kill();
    const result = gx(['run', 'offline.yaml', '--max-steps', '12', '--json'], {
      cwd: dir,
      env: {
        MLFLOW_TRACKING_URI: server.uri,
        MLFLOW_HTTP_REQUEST_MAX_RETRIES: '1',
        MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR: '0.1',
      },
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /gx sync/);
    const { runDir, tracking } = JSON.parse(result.stdout);
    assert.equal(tracking.runId, undefined);

    await server.restart();
    const first = gx(['sync', runDir], { cwd: dir });
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /sent/);
    const second = gx(['sync', runDir], { cwd: dir });
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /up to date/);

    const runs = await runsOf(server, 'offline');
    assert.equal(runs.length, 1);
    assert.equal(runs[0].info.status, 'FINISHED');
    assert.deepEqual(await history(server, runs[0].info.run_id, 'g_loss'), steps(12));
    assert.ok((await artifacts(server, runs[0].info.run_id)).includes('model'));
    // run.json now names the server's run.
    const show = gx(['sync', runDir, '--json'], { cwd: dir });
    assert.equal(JSON.parse(show.stdout).runId, runs[0].info.run_id);
  });

  it('says in one line what is wrong with a bad URI or an answer that is not MLflow JSON', () => {
    const dir = tinyIn('bad');
    for (const [uri, expected] of [
      ['ftp://127.0.0.1/x', /tracking URI "ftp:\/\/127\.0\.0\.1\/x": unsupported scheme ftp:/],
      ['http://', /tracking URI "http:\/\/": not a URL/],
      [`${server.uri}/not-mlflow`, /MLflow server: 404 with .*not MLflow JSON/],
    ] as const) {
      const result = gx(['run', 'bad.yaml', '--max-steps', '2'], { cwd: dir, env: { MLFLOW_TRACKING_URI: uri } });
      assert.equal(result.status, 1, result.stderr);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 2, result.stderr); // the error, and its hint
      assert.match(lines[0], expected);
      assert.match(lines[1], /^hint: /);
    }
  });
});

describe('tracking on an MLflow server with basic auth', () => {
  let server: MlflowServer;
  before(async () => {
    server = await startMlflowServer({ auth: true });
  });
  after(() => server?.stop());

  it('refuses wrong credentials in one line before training, and records with the right ones', () => {
    const dir = tinyIn('secured');
    const env = { MLFLOW_TRACKING_URI: server.uri, MLFLOW_TRACKING_USERNAME: ADMIN.username };
    const wrong = gx(['run', 'secured.yaml', '--max-steps', '2'], {
      cwd: dir,
      env: { ...env, MLFLOW_TRACKING_PASSWORD: 'wrong' },
    });
    assert.equal(wrong.status, 1, wrong.stderr);
    const lines = wrong.stderr.trim().split('\n');
    assert.equal(lines.length, 2, wrong.stderr);
    assert.match(lines[0], /MLflow server: 401/);
    assert.match(lines[1], /MLFLOW_TRACKING_USERNAME/);
    assert.deepEqual(readdirSync(dir).includes('runs') ? readdirSync(join(dir, 'runs')).length : 0, 0);

    const right = gx(['run', 'secured.yaml', '--max-steps', '2', '--json'], {
      cwd: dir,
      env: { ...env, MLFLOW_TRACKING_PASSWORD: ADMIN.password },
    });
    assert.equal(right.status, 0, right.stderr);
    assert.match(JSON.parse(right.stdout).tracking.runId, /^[0-9a-f]{32}$/);
  });
});

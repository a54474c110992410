import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GxError } from '../../src/errors.js';
import { createServerRun } from '../../src/tracking/server-tracker.js';
import { gx, tempDir } from '../helpers/cli.js';
import { tinyIn } from '../helpers/experiments.js';
import { type FaultProxy, type ProxyMode, startFaultProxy } from '../helpers/fault-proxy.js';
import { ADMIN, type MlflowServer, startMlflowServer } from '../helpers/mlflow-server.js';
import { api, assertNoSecret, filesContaining, gxChild, runsOf } from '../helpers/tracking-checks.js';

async function steps(server: { uri: string }, runId: string, key: string): Promise<number[]> {
  const { metrics } = await api<{ metrics?: { step: number }[] }>(server, 'metrics/get-history', {
    run_id: runId,
    metric_key: key,
  });
  return (metrics ?? []).map((m) => m.step).sort((a, b) => a - b);
}

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const secret = 'pw-in-the-uri-31337';

describe('tracking faults on a real MLflow server', () => {
  let server: MlflowServer;
  let proxy: FaultProxy;
  const proxies: FaultProxy[] = [];
  /** A proxy in front of the server, closed after the tests even when one fails. */
  const startProxy = async (mode: ProxyMode) => {
    proxy = await startFaultProxy(server.uri, mode);
    proxies.push(proxy);
    return proxy;
  };
  before(async () => {
    server = await startMlflowServer();
  });
  after(async () => {
    await Promise.all(proxies.map((each) => each.close()));
    server?.stop();
  });

  it('sets aside a record the server rejects and delivers the rest, during the run and with `gx sync`', async () => {
    const runDir = tempDir();
    writeFileSync(join(runDir, 'run.json'), JSON.stringify({ id: 'rejected', tracking: { store: server.uri } }));
    const warnings: string[] = [];
    const tracker = await createServerRun(
      join(runDir, 'mlflow'),
      { uri: server.uri, experiment: 'rejected', runName: 'live', tags: {} },
      (line) => warnings.push(line),
    );
    const points = (from: number) =>
      oneTo(5).map((i) => ({ key: 'loss', value: from + i, step: from + i, timestamp: 1e12 + from + i }));
    await tracker.logParams({ lr: '0.1' });
    await tracker.logMetrics(points(0));
    await tracker.logParams({ lr: '0.2' }); // params are immutable: the server answers 400
    await tracker.logMetrics(points(5));
    await tracker.end('FINISHED');

    const [run] = await runsOf(server, 'rejected');
    assert.equal(run.info.status, 'FINISHED');
    assert.deepEqual(await steps(server, run.info.run_id, 'loss'), oneTo(10));
    assert.deepEqual(run.data.params, [{ key: 'lr', value: '0.1' }]);
    assert.match(warnings.join('\n'), /1 record refused by the MLflow server.*rejected\.jsonl/);
    const rejected = readFileSync(join(runDir, 'mlflow', 'rejected.jsonl'), 'utf8')
      .trim()
      .split('\n');
    assert.equal(rejected.length, 1);
    assert.deepEqual(JSON.parse(rejected[0]).entry, { kind: 'param', key: 'lr', value: '0.2' });
    assert.match(JSON.parse(rejected[0]).error, /400 INVALID_PARAMETER_VALUE/);
  });

  it('`gx sync` sets aside what the server rejects instead of failing on it for ever', async () => {
    await startProxy('error500');
    const runDir = tempDir();
    writeFileSync(join(runDir, 'run.json'), JSON.stringify({ id: 'later', tracking: { store: proxy.uri } }));
    const retries = process.env.MLFLOW_HTTP_REQUEST_MAX_RETRIES;
    process.env.MLFLOW_HTTP_REQUEST_MAX_RETRIES = '0';
    try {
      const tracker = await createServerRun(
        join(runDir, 'mlflow'),
        { uri: proxy.uri, experiment: 'sync-rejected', runName: 'offline', tags: {} },
        () => {},
      );
      await tracker.logParams({ lr: '0.1' });
      await tracker.logMetrics([{ key: 'loss', value: 1, step: 1, timestamp: 1e12 }]);
      await tracker.logParams({ lr: '0.2' });
      await tracker.logMetrics([{ key: 'loss', value: 2, step: 2, timestamp: 1e12 + 1 }]);
      await tracker.end('FINISHED');
    } finally {
      if (retries === undefined) delete process.env.MLFLOW_HTTP_REQUEST_MAX_RETRIES;
      else process.env.MLFLOW_HTTP_REQUEST_MAX_RETRIES = retries;
    }

    proxy.mode = 'pass';
    const first = await gxChild(['sync', runDir], tempDir(), {}).exited;
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /^sent \d+ records to MLflow run [0-9a-f]{32}/m);
    assert.match(first.stdout + first.stderr, /1 record refused by the MLflow server .*rejected\.jsonl/);
    const second = await gxChild(['sync', runDir], tempDir(), {}).exited;
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /up to date/);

    const [run] = await runsOf(server, 'sync-rejected');
    assert.equal(run.info.status, 'FINISHED');
    assert.deepEqual(await steps(server, run.info.run_id, 'loss'), [1, 2]);
    await proxy.close();
  });

  it('trains at once past a server that never answers, ends within seconds, and `gx sync` sends it all later', async () => {
    await startProxy('hang');
    const dir = tinyIn('hanging');
    const uri = `http://someone:${secret}@${proxy.uri.slice('http://'.length)}`;
    const started = Date.now();
    const run = await gxChild(['run', 'hanging.yaml', '--max-steps', '3', '--json'], dir, { MLFLOW_TRACKING_URI: uri })
      .exited;
    const seconds = (Date.now() - started) / 1000;
    assert.equal(run.status, 0, run.stderr);
    assert.ok(seconds < 50, `gx run took ${seconds} s`);
    assert.ok(proxy.connections > 0);
    assert.match(run.stderr, /did not answer/);
    const { runDir, tracking } = JSON.parse(run.stdout);
    assert.equal(tracking.runId, undefined);

    proxy.mode = 'pass';
    const sync = await gxChild(['sync', runDir], dir, { MLFLOW_TRACKING_URI: uri }).exited;
    assert.equal(sync.status, 0, sync.stderr);
    const [recorded] = await runsOf(server, 'hanging');
    assert.equal(recorded.info.status, 'FINISHED');
    assert.deepEqual(await steps(server, recorded.info.run_id, 'g_loss'), oneTo(3));
    assertNoSecret(secret, [dir, server.dir], run, sync);
    await proxy.close();
  });

  it('ends a run within seconds of SIGTERM while the server hangs, keeping what was not sent', async () => {
    await startProxy('hang');
    const dir = tinyIn('terminated');
    const { child, exited } = gxChild(['run', 'terminated.yaml', '--json'], dir, {
      MLFLOW_TRACKING_URI: proxy.uri,
      MLFLOW_HTTP_REQUEST_TIMEOUT: '120',
    });
    // The run's record is journaled before the server is asked to create it: it is waiting now.
    const runsDir = join(dir, 'runs');
    const outbox = () =>
      existsSync(runsDir) &&
      readdirSync(runsDir).some((run) => existsSync(join(runsDir, run, 'mlflow', 'outbox.jsonl')));
    while (!outbox()) {
      assert.equal(child.exitCode, null);
      await sleep(100);
    }
    await sleep(1000);
    const signalled = Date.now();
    child.kill('SIGTERM');
    const result = await exited;
    const seconds = (Date.now() - signalled) / 1000;
    assert.equal(result.status, 130, result.stderr);
    assert.ok(seconds < 10, `gx took ${seconds} s to stop`);
    const { runDir } = JSON.parse(result.stdout);
    // Stopped while the server was asked to create the run: at most a step trained.
    const history = join(runDir, 'history.jsonl');
    const trained = existsSync(history) ? readFileSync(history, 'utf8').trim().split('\n').length : 0;
    assert.ok(existsSync(join(runDir, 'checkpoint')));

    proxy.mode = 'pass';
    const sync = await gxChild(['sync', runDir], dir, {}).exited;
    assert.equal(sync.status, 0, sync.stderr);
    const [recorded] = await runsOf(server, 'terminated');
    assert.equal(recorded.info.status, 'KILLED');
    assert.deepEqual(await steps(server, recorded.info.run_id, 'g_loss'), oneTo(trained));
    await proxy.close();
  });

  it('refuses a bad tag key before it is journaled, and goes on recording', async () => {
    const folder = join(tempDir(), 'mlflow');
    const tracker = await createServerRun(
      folder,
      { uri: server.uri, experiment: 'bad-keys', runName: 'keys', tags: {} },
      () => {},
    );
    await assert.rejects(
      tracker.setTags({ '../../x': 'y' }),
      (error: GxError) => error.code === 'TRACKING_KEY_INVALID',
    );
    await assert.rejects(tracker.logParams({ 'a//b': 'y' }), (error: GxError) => error.code === 'TRACKING_KEY_INVALID');
    await tracker.logMetrics([{ key: 'loss', value: 1, step: 1, timestamp: 1e12 }]);
    await tracker.end('FINISHED');
    assert.ok(!readFileSync(join(folder, 'outbox.jsonl'), 'utf8').includes('../../x'));
    const [run] = await runsOf(server, 'bad-keys');
    assert.equal(run.info.status, 'FINISHED');
    assert.deepEqual(await steps(server, run.info.run_id, 'loss'), [1]);
  });

  it('says what is wrong with a server that answers 500 without showing the password of its URI', async () => {
    {
      await startProxy('error500');
      const uri = `http://someone:${secret}@${proxy.uri.slice('http://'.length)}`;
      const dir = tempDir();
      const runs = await gxChild(['runs', '--tracking-uri', uri], dir, { MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0' }).exited;
      assert.equal(runs.status, 1);
      assert.match(runs.stderr, /MLflow server: 500/);
      const bad = gx(['runs', '--tracking-uri', `http://someone:${secret}@`], { cwd: dir });
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /tracking URI/);
      assertNoSecret(secret, [dir], runs, bad);
      await proxy.close();
    }
  });
});

describe('credentials in the tracking URI, on an MLflow server with basic auth', () => {
  let server: MlflowServer;
  before(async () => {
    server = await startMlflowServer({ auth: true });
  });
  after(() => server?.stop());

  it('logs in with them and never stores, logs or prints them', async () => {
    const dir = tinyIn('userinfo');
    const host = server.uri.slice('http://'.length);
    const withPassword = `http://${ADMIN.username}:${ADMIN.password}@${host}`;
    const results = [
      gx(['run', 'userinfo.yaml', '--max-steps', '2', '--json'], {
        cwd: dir,
        env: { MLFLOW_TRACKING_URI: withPassword },
      }),
      gx(['run', 'userinfo.yaml', '--max-steps', '2', '--json', '--set', `tracking.uri=${withPassword}`], {
        cwd: dir,
      }),
    ];
    for (const result of results) assert.equal(result.status, 0, result.stderr);
    const runs = await runsOf(server, 'userinfo');
    assert.equal(runs.length, 2);
    for (const run of runs) {
      assert.equal(run.info.status, 'FINISHED');
      const params = Object.fromEntries((run.data.params ?? []).map(({ key, value }) => [key, value]));
      assert.ok(!Object.values(params).some((value) => value.includes(ADMIN.password)));
    }
    assert.equal(JSON.parse(results[1].stdout).tracking.store, server.uri);
    const listed = gx(['runs', 'userinfo', '--tracking-uri', withPassword], { cwd: dir });
    assert.equal(listed.status, 0, listed.stderr);
    const missing = gx(['runs', 'nope', '--tracking-uri', withPassword], { cwd: dir });
    assert.match(missing.stderr, /no experiment "nope"/);
    assertNoSecret(
      ADMIN.password,
      [dir, join(server.dir, 'artifacts'), join(server.dir, 'mlflow.db')],
      ...results,
      listed,
      missing,
    );
    // Not even in the server's own log.
    assert.equal(filesContaining([join(server.dir, 'server.log')], ADMIN.password).length, 0);
  });
});

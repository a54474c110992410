import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectMlflow } from '../../src/tracking/mlflow-http.js';
import { tempDir } from '../helpers/cli.js';
import { tinyIn } from '../helpers/experiments.js';
import { type FaultProxy, type ProxyMode, startFaultProxy } from '../helpers/fault-proxy.js';
import { type MlflowServer, startMlflowServer } from '../helpers/mlflow-server.js';
import { startTlsProxy, type TlsProxy } from '../helpers/tls-proxy.js';
import { api, gxChild, runsOf } from '../helpers/tracking-checks.js';

/**
 * A command that fails on a mistake in the setup must end at once, not after minutes of retries (about 4 with the
 * default retries); the bound leaves room for a loaded machine.
 */
const AT_ONCE_MS = 90_000;

describe('what gx does with each kind of answer from a real MLflow server', () => {
  let server: MlflowServer;
  let tls: TlsProxy;
  const proxies: FaultProxy[] = [];
  const startProxy = async (mode: ProxyMode) => {
    const proxy = await startFaultProxy(server.uri, mode);
    proxies.push(proxy);
    return proxy;
  };
  before(async () => {
    server = await startMlflowServer();
    tls = await startTlsProxy(server.uri);
  });
  after(async () => {
    await Promise.all(proxies.map((each) => each.close()));
    await tls?.close();
    server?.stop();
  });

  it('creates a run and a logged model once when the answer to their creation is lost', async () => {
    const proxy = await startProxy('pass');
    proxy.dropAnswers = ['POST /api/2.0/mlflow/runs/create ', 'POST /api/2.0/mlflow/logged-models '];
    const dir = tinyIn('lost-answers');
    const run = await gxChild(
      ['run', 'lost-answers.yaml', '--max-steps', '2'],
      dir,
      { MLFLOW_TRACKING_URI: proxy.uri },
      180_000,
    ).exited;
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(proxy.dropped.length, 2, `answers lost: ${proxy.dropped}`);
    const runs = await runsOf(server, 'lost-answers');
    assert.deepEqual(
      runs.map((each) => each.info.status),
      ['FINISHED'],
    );
    const experimentId = (
      await api<{ experiment: { experiment_id: string } }>(server, 'experiments/get-by-name', {
        experiment_name: 'lost-answers',
      })
    ).experiment.experiment_id;
    type Models = { models?: { info: { status: string } }[] };
    const { models = [] } = await api<Models>(server, 'logged-models/search', {}, { experiment_ids: [experimentId] });
    assert.deepEqual(
      models.map((model) => model.info.status),
      ['LOGGED_MODEL_READY'],
    );
  });

  it('ends at once on an answer that is not MLflow JSON (a sign-in page), in one line with a hint', async () => {
    const proxy = await startProxy('html200');
    const dir = tinyIn('html');
    for (const args of [['runs'], ['run', 'html.yaml', '--max-steps', '1']]) {
      const result = await gxChild(args, dir, { MLFLOW_TRACKING_URI: proxy.uri }, AT_ONCE_MS).exited;
      assert.equal(result.status, 1, result.stderr);
      assert.match(result.stderr, /200 with "Sign in", not MLflow JSON/);
      assert.match(result.stderr, /sign-in page/);
      assert.doesNotMatch(result.stderr, /bug in gx|Unexpected token|training goes on/);
    }
  });

  it('ends at once on a TLS or protocol mistake, naming it with a hint', async () => {
    const dir = tinyIn('tls');
    const bad = join(tempDir(), 'garbage.pem');
    writeFileSync(bad, 'not a certificate\n');
    const plainPort = new URL(server.uri).port;
    const tlsPort = new URL(tls.uri).port;
    const cases: [args: string[], env: NodeJS.ProcessEnv, said: RegExp][] = [
      [
        ['runs'],
        { MLFLOW_TRACKING_URI: tls.uri },
        /certificate gx does not trust.*\n.*MLFLOW_TRACKING_SERVER_CERT_PATH/,
      ],
      [['run', 'tls.yaml', '--max-steps', '1'], { MLFLOW_TRACKING_URI: tls.uri }, /certificate gx does not trust/],
      [
        ['runs'],
        {
          MLFLOW_TRACKING_URI: tls.uri,
          MLFLOW_TRACKING_SERVER_CERT_PATH: tls.certFile,
          MLFLOW_TRACKING_CLIENT_CERT_PATH: bad,
        },
        /over TLS.*\n.*MLFLOW_TRACKING_CLIENT_CERT_PATH/,
      ],
      [['runs'], { MLFLOW_TRACKING_URI: `http://127.0.0.1:${tlsPort}` }, /speaks TLS, not plain http\n.*https:\/\//],
      [['run', 'tls.yaml', '--max-steps', '1'], { MLFLOW_TRACKING_URI: `http://127.0.0.1:${tlsPort}` }, /speaks TLS/],
      [['runs'], { MLFLOW_TRACKING_URI: `https://127.0.0.1:${plainPort}` }, /does not speak TLS.*\n.*http:\/\//],
      [
        ['runs'],
        { MLFLOW_TRACKING_URI: tls.uri, MLFLOW_TRACKING_SERVER_CERT_PATH: dir },
        /MLFLOW_TRACKING_SERVER_CERT_PATH=\/.*: is a folder/,
      ],
    ];
    for (const [args, env, said] of cases) {
      const result = await gxChild(args, dir, env, AT_ONCE_MS).exited;
      assert.equal(result.status, 1, `${JSON.stringify(env)}: ${result.stderr}`);
      assert.match(result.stderr, said);
      assert.doesNotMatch(result.stderr, /training goes on|start the server|bug in gx/);
    }
    // The same server with its certificate trusted: the mistakes above were the only problem.
    const trusted = await gxChild(
      ['runs'],
      dir,
      { MLFLOW_TRACKING_URI: tls.uri, MLFLOW_TRACKING_SERVER_CERT_PATH: tls.certFile },
      AT_ONCE_MS,
    ).exited;
    assert.doesNotMatch(trusted.stderr, /TLS|certificate/);
  });

  it('waits at most a minute for a busy server that asks for ten, and says so', async () => {
    const proxy = await startProxy('busy600');
    const runs = gxChild(['runs'], tempDir(), { MLFLOW_TRACKING_URI: proxy.uri }, AT_ONCE_MS);
    for (let waited = 0; !runs.result.stderr.includes('trying again') && waited < AT_ONCE_MS; waited += 250)
      await sleep(250);
    runs.child.kill('SIGKILL');
    assert.match(runs.result.stderr, /503.*; trying again in 60 s \(it asked for 600 s\), retry 1 of 7/);
  });

  it('says that a server closes connections, not that it did not answer in time', async () => {
    const proxy = await startProxy('close');
    // As a run's end waits for the server: with a patience, which runs out while gx waits to try again.
    const http = connectMlflow(proxy.uri, {}, undefined, () => {});
    const failure = await http.call('GET', 'experiments/search', {}, { signal: AbortSignal.timeout(3_000) }).then(
      () => assert.fail('answered'),
      (error: Error) => error,
    );
    await http.close();
    assert.match(failure.message, /closed the connection without an answer/);
    assert.doesNotMatch(failure.message, /did not answer in time/);
  });
});

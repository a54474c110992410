import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { trackingStore } from '../../src/tracking/open.js';
import { splitLogin } from '../../src/uri-credentials.js';
import { gx } from '../helpers/cli.js';
import { tinyIn } from '../helpers/experiments.js';
import { ADMIN, type MlflowServer, startMlflowServer } from '../helpers/mlflow-server.js';
import { assertNoSecret, filesContaining, runsOf } from '../helpers/tracking-checks.js';

/** Every way of writing a login that the URL parser (and so undici) accepts and signs in with. */
const loginForms = (host: string, login = 'alice:PW') => [
  `http://${login}@${host}`,
  `http:${login}@${host}`,
  `http:/${login}@${host}`,
  `http:\\\\${login}@${host}`,
  `ht\ttp://${login}@${host}`,
  ` http://${login}@${host}  `,
  `\thttp:${login}@${host}\n`,
];

describe('one parser for tracking URIs', () => {
  it('takes out the login of every form the URL parser accepts, and trims the URI', () => {
    for (const form of loginForms('example.org:5000')) {
      assert.deepEqual(splitLogin(form), {
        uri: 'http://example.org:5000',
        login: { username: 'alice', password: 'PW' },
      });
      assert.deepEqual(trackingStore({ uri: form }), {
        kind: 'server',
        uri: 'http://example.org:5000',
        login: { username: 'alice', password: 'PW' },
      });
    }
    assert.deepEqual(splitLogin('https://a%40b:p%3Aw@example.org/mlflow/'), {
      uri: 'https://example.org/mlflow/',
      login: { username: 'a@b', password: 'p:w' },
    });
    assert.deepEqual(splitLogin('http://example.org:5000'), { uri: 'http://example.org:5000' });
  });

  it('strips what looks like a login from text no URL parser reads, or refuses it unseen', () => {
    assert.equal(splitLogin('http://alice:PW@').uri, 'http://');
    assert.equal(splitLogin('http:alice:PW@host:99999').uri, 'http://host:99999');
    assert.throws(
      () => trackingStore({ uri: 'http://#ali:PW@host' }),
      (error: Error) => /not shown/.test(error.message) && !error.message.includes('PW'),
    );
  });

  it('keeps a local folder a folder, trimmed', () => {
    assert.deepEqual(trackingStore({ uri: ' ./runs ' }), { kind: 'local', folder: './runs' });
    assert.deepEqual(trackingStore({ uri: '  ' }), { kind: 'local', folder: 'mlruns' });
  });
});

describe('a login in any form of the tracking URI, on an MLflow server with basic auth', () => {
  let server: MlflowServer;
  before(async () => {
    server = await startMlflowServer({ auth: true });
  });
  after(() => server?.stop());

  it('signs in with it, never stores, logs or prints it, and never takes the URI for a folder', async () => {
    const host = server.uri.slice('http://'.length);
    const forms = loginForms(host, `${ADMIN.username}:${ADMIN.password}`);
    const dir = tinyIn('logins');
    // Training is the slow part: two of the forms train, each is listed by `gx runs`.
    const results = [forms[1], forms[5]].map((form) =>
      gx(['run', 'logins.yaml', '--max-steps', '1', '--json'], { cwd: dir, env: { MLFLOW_TRACKING_URI: form } }),
    );
    for (const result of results) {
      assert.equal(result.status, 0, result.stderr);
      assert.equal(JSON.parse(result.stdout).tracking.store, server.uri);
    }
    const runs = await runsOf(server, 'logins');
    assert.equal(runs.length, 2);
    for (const run of runs) assert.equal(run.info.status, 'FINISHED');
    const listed = forms.map((form) => gx(['runs', 'logins', '--tracking-uri', form], { cwd: dir }));
    for (const result of listed) assert.equal(result.status, 0, result.stderr);
    const synced = gx(['sync', join(dir, 'runs', readdirSync(join(dir, 'runs'))[0])], {
      cwd: dir,
      env: { MLFLOW_TRACKING_URI: forms[2] },
    });
    assert.equal(synced.status, 0, synced.stderr);
    // No folder named after the URI: only the experiment and gx's runs folder.
    assert.deepEqual(readdirSync(dir).sort(), ['logins.yaml', 'runs']);
    assertNoSecret(
      ADMIN.password,
      [dir, join(server.dir, 'artifacts'), join(server.dir, 'mlflow.db')],
      ...results,
      ...listed,
      synced,
    );
    assert.deepEqual(filesContaining([join(server.dir, 'server.log')], ADMIN.password), []);
  });
});

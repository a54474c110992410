import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { queueConnection } from '../../src/sweep/queue-connection.js';
import { gx } from '../helpers/cli.js';
import { tinyIn } from '../helpers/experiments.js';

describe('the Redis queue a sweep and its workers share', () => {
  it('signs in with the login of the URL, else of REDIS_USERNAME and REDIS_PASSWORD, and shows neither', () => {
    const withLogin = queueConnection('redis://gx:s%3Acret@redis.example:6380/2', { REDIS_PASSWORD: 'other' });
    assert.equal(withLogin.where, 'redis://redis.example:6380/2');
    assert.deepEqual(
      { ...withLogin.connection, maxRetriesPerRequest: undefined },
      { host: 'redis.example', port: 6380, db: 2, username: 'gx', password: 's:cret', maxRetriesPerRequest: undefined },
    );
    const fromEnv = queueConnection('redis://127.0.0.1', { REDIS_USERNAME: 'u', REDIS_PASSWORD: 'p' });
    assert.deepEqual(
      [fromEnv.connection.port, fromEnv.connection.username, fromEnv.connection.password],
      [6379, 'u', 'p'],
    );
    assert.equal(queueConnection('rediss://:pw@h:1').where, 'rediss://h:1');
    assert.ok(queueConnection('rediss://:pw@h:1').connection.tls);
  });

  it('refuses what is not a Redis URL, without its login', () => {
    assert.throws(
      () => queueConnection('http://user:hunter2@host:6379'),
      (error: Error) => {
        assert.match(error.message, /http:\/\/host:6379: not a Redis URL/);
        assert.ok(!error.message.includes('hunter2'));
        return true;
      },
    );
    assert.throws(() => queueConnection('redis://host:6379/x'), /not a Redis URL/);
  });

  it('refuses a queued sweep that records into a local store, in one line, before anything is created', () => {
    const dir = tinyIn('qlocal');
    const result = gx(
      ['sweep', 'qlocal.yaml', '--param', 'train.optimizer.g.lr=1e-3,2e-3', '--queue', 'redis://:hunter2@127.0.0.1:1'],
      {
        cwd: dir,
      },
    );
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^--queue needs an MLflow server: .*local store.*\nhint: set MLFLOW_TRACKING_URI/);
    assert.ok(!`${result.stdout}${result.stderr}`.includes('hunter2'));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MlflowError } from '../../src/tracking/mlflow-error.js';
import { backoffSeconds, retryPolicyFromEnv } from '../../src/tracking/mlflow-retry.js';

describe("retries as MLflow's Python client does them", () => {
  it('reads its variables, with its defaults', () => {
    assert.deepEqual(retryPolicyFromEnv({}), { retries: 7, factor: 2, jitter: 1 });
    assert.deepEqual(
      retryPolicyFromEnv({ MLFLOW_HTTP_REQUEST_MAX_RETRIES: '2', MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR: '0.5' }),
      { retries: 2, factor: 0.5, jitter: 1 },
    );
  });

  it('backs off exponentially with jitter, at most 120 s, and waits as long as Retry-After asks, up to a minute', () => {
    const policy = { retries: 7, factor: 2, jitter: 1 };
    assert.deepEqual(
      [1, 2, 3, 7, 9].map((attempt) => backoffSeconds(policy, attempt, undefined, () => 0)),
      [2, 4, 8, 120, 120],
    );
    assert.equal(
      backoffSeconds(policy, 1, undefined, () => 0.5),
      2.5,
    );
    assert.equal(
      backoffSeconds(policy, 1, '30', () => 0),
      30,
    );
    assert.equal(
      backoffSeconds(policy, 3, '1', () => 0),
      8,
    );
    // A server asking for ten minutes gets one: gx says so and tries again.
    assert.equal(
      backoffSeconds(policy, 1, '600', () => 0),
      60,
    );
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    assert.ok(Math.abs(backoffSeconds(policy, 1, inTenSeconds, () => 0) - 10) <= 1);
  });

  it('retries 408, 429, 5xx and lost connections, not other answers nor an unknown host', () => {
    const transient = (status?: number, code?: string) => new MlflowError('x', 'y', status, code).transient;
    assert.deepEqual(
      [408, 429, 500, 502, 503, 504].map((s) => transient(s)),
      [true, true, true, true, true, true],
    );
    assert.deepEqual(
      [400, 401, 403, 404].map((s) => transient(s)),
      [false, false, false, false],
    );
    assert.equal(transient(undefined, 'ECONNREFUSED'), true);
    assert.equal(transient(undefined, 'ENOTFOUND'), false);
    // Mistakes in the setup fail the same way every time: a certificate not trusted, TLS or HTTP not spoken.
    for (const code of [
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'ERR_SSL_WRONG_VERSION_NUMBER',
      'ERR_OSSL_PEM_NO_START_LINE',
      'HPE_INVALID_CONSTANT',
      'GX_TLS_PORT',
    ])
      assert.equal(transient(undefined, code), false, code);
    assert.equal(transient(undefined, 'UND_ERR_SOCKET'), true);
  });
});

import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { EnvHttpProxyAgent, request } from 'undici';
import { GxError } from '../errors.js';
import { credentialsIn, type Login, withoutCredentials } from '../uri-credentials.js';

/** An error answer from the server, or a server that could not be reached after every retry. */
export class MlflowError extends GxError {
  constructor(
    message: string,
    hint: string,
    /** The HTTP status; undefined when no answer came (connection refused, reset, timed out). */
    readonly status?: number,
    /** MLflow's error_code (RESOURCE_ALREADY_EXISTS, ...) when the body said one. */
    readonly errorCode?: string,
  ) {
    super(status === undefined ? 'TRACKING_UNREACHABLE' : 'TRACKING_HTTP', message, hint);
    this.name = 'MlflowError';
  }

  /**
   * Worth sending again later: the server was away or busy, not saying the request is wrong. A host name that does
   * not resolve is taken for a typo in the URI, not for an outage.
   */
  get transient(): boolean {
    return this.status === undefined ? this.errorCode !== 'ENOTFOUND' : RETRY_STATUSES.has(this.status);
  }

  /**
   * The server refuses this record itself (a bad value, a param logged again with another value, too large): it
   * will every time, while other records go through. Not a run that is gone or deleted, which refuses them all.
   */
  get rejectsRecord(): boolean {
    return (this.status === 400 && this.errorCode !== 'INVALID_STATE') || this.status === 413;
  }
}

/** The statuses MLflow's Python client retries, POST included (its writes are idempotent where it matters). */
const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

export interface RetryPolicy {
  retries: number;
  /** Seconds: the n-th retry waits factor * 2^(n-1), plus up to `jitter` seconds, at most 120 s. */
  factor: number;
  jitter: number;
}

/** The Python client's settings and environment variables, so one setup serves both. */
export function retryPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): RetryPolicy {
  const number = (name: string, fallback: number) => {
    const value = Number(env[name] ?? fallback);
    return Number.isFinite(value) && value >= 0 ? value : fallback;
  };
  return {
    retries: number('MLFLOW_HTTP_REQUEST_MAX_RETRIES', 7),
    factor: number('MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR', 2),
    jitter: number('MLFLOW_HTTP_REQUEST_BACKOFF_JITTER', 1),
  };
}

/** How long to wait before retry number `attempt` (1-based); a server's Retry-After wins when it asks for longer. */
export function backoffSeconds(policy: RetryPolicy, attempt: number, retryAfter?: string, random = Math.random) {
  const backoff = Math.min(120, policy.factor * 2 ** (attempt - 1) + random() * policy.jitter);
  const asked = retryAfter === undefined ? Number.NaN : retryAfterSeconds(retryAfter);
  return Number.isFinite(asked) ? Math.max(backoff, Math.min(asked, 600)) : backoff;
}

function retryAfterSeconds(value: string): number {
  if (/^\d+$/.test(value.trim())) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? Number.NaN : Math.max(0, (date - Date.now()) / 1000);
}

/** How long to keep trying: `retries` (else the policy's), and a signal that ends every wait at once. */
export interface CallOptions {
  retries?: number;
  signal?: AbortSignal;
}

export interface MlflowHttp {
  /** The server's root, without a trailing slash and without a login. */
  readonly uri: string;
  /** Calls /api/2.0/mlflow/<endpoint>: GET with `body` as the query, POST and PATCH with it as JSON. */
  call<T>(method: 'GET' | 'POST' | 'PATCH', endpoint: string, body?: object, options?: CallOptions): Promise<T>;
  /** Uploads bytes through the server's artifact proxy: /api/2.0/mlflow-artifacts/artifacts/<path>. */
  upload(path: string, bytes: Uint8Array, options?: CallOptions): Promise<void>;
  /** Downloads an artifact's bytes through the server's artifact proxy. */
  download(path: string, options?: CallOptions): Promise<Uint8Array>;
  /** Drops the connections, requests in flight included (a server that never answers must not hold gx). */
  close(): Promise<void>;
}

/**
 * MLflow's REST API over undici, authenticated and retried as MLflow's Python client does, and configured by the
 * same variables: MLFLOW_TRACKING_USERNAME + _PASSWORD (basic) or _TOKEN (bearer); MLFLOW_TRACKING_INSECURE_TLS,
 * _SERVER_CERT_PATH (a CA bundle), _CLIENT_CERT_PATH (certificate and key, PEM); MLFLOW_HTTP_REQUEST_TIMEOUT.
 *
 * A login in the URI (`http://user:password@host`, or `login` when the caller took it out of the URI) wins over
 * those variables, as it does in MLflow's client (requests replaces the Authorization header with the URL's user
 * info). A URI stored without its login (a run's record) signs in with the login of MLFLOW_TRACKING_URI when that
 * names the same server, so `gx sync` and `--resume` need no password on disk. The login is never shown: `uri`
 * and every message name the server without it.
 */
export function connectMlflow(
  uri: string,
  env: NodeJS.ProcessEnv = process.env,
  login: Login | undefined = credentialsIn(uri),
): MlflowHttp {
  const root = serverRoot(withoutCredentials(uri));
  const policy = retryPolicyFromEnv(env);
  const timeout = Number(env.MLFLOW_HTTP_REQUEST_TIMEOUT ?? 120) * 1000;
  const clientCert = env.MLFLOW_TRACKING_CLIENT_CERT_PATH && readFileSync(env.MLFLOW_TRACKING_CLIENT_CERT_PATH);
  const dispatcher = new EnvHttpProxyAgent({
    headersTimeout: timeout,
    bodyTimeout: timeout,
    connect: {
      rejectUnauthorized: !/^(true|1)$/i.test(env.MLFLOW_TRACKING_INSECURE_TLS ?? ''),
      ...(env.MLFLOW_TRACKING_SERVER_CERT_PATH && { ca: readFileSync(env.MLFLOW_TRACKING_SERVER_CERT_PATH) }),
      ...(clientCert && { cert: clientCert, key: clientCert }),
    },
  });
  const envUri = env.MLFLOW_TRACKING_URI ?? '';
  const sameServer = envUri !== '' && sameRoot(envUri, root);
  const uriLogin = login ?? (sameServer ? credentialsIn(envUri) : undefined);
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const auth = uriLogin
    ? basic(uriLogin.username, uriLogin.password)
    : env.MLFLOW_TRACKING_USERNAME && env.MLFLOW_TRACKING_PASSWORD
      ? basic(env.MLFLOW_TRACKING_USERNAME, env.MLFLOW_TRACKING_PASSWORD)
      : env.MLFLOW_TRACKING_TOKEN && `Bearer ${env.MLFLOW_TRACKING_TOKEN}`;

  async function send(
    method: 'GET' | 'POST' | 'PATCH' | 'PUT',
    url: string,
    body: string | Uint8Array | undefined,
    { retries = policy.retries, signal }: CallOptions = {},
  ) {
    for (let attempt = 1; ; attempt++) {
      let failure: MlflowError;
      let retryAfter: string | undefined;
      try {
        const response = await request(url, {
          method,
          dispatcher,
          body,
          signal,
          headers: {
            ...(auth && { authorization: auth }),
            ...((method === 'POST' || method === 'PATCH') && { 'content-type': 'application/json' }),
            ...(method === 'PUT' && { 'content-type': 'application/octet-stream' }),
          },
        });
        const bytes = new Uint8Array(await response.body.arrayBuffer());
        if (response.statusCode < 300) return bytes;
        failure = answerError(method, url, response.statusCode, Buffer.from(bytes).toString('utf8'));
        const header = response.headers['retry-after'];
        retryAfter = Array.isArray(header) ? header[0] : header;
      } catch (error) {
        if (signal?.aborted) throw gaveUp(root);
        failure = unreachable(root, error as Error);
      }
      if (!failure.transient || attempt > retries) throw failure;
      await sleep(backoffSeconds(policy, attempt, retryAfter) * 1000, undefined, { signal }).catch(() => {
        throw gaveUp(root);
      });
    }
  }

  const artifactUrl = (path: string) =>
    `${root}/api/2.0/mlflow-artifacts/artifacts/${path.split('/').map(encodeURIComponent).join('/')}`;

  return {
    uri: root,
    async call(method, endpoint, body = {}, options) {
      const url = new URL(`${root}/api/2.0/mlflow/${endpoint}`);
      if (method === 'GET') for (const [k, v] of Object.entries(body)) url.searchParams.set(k, String(v));
      const bytes = await send(method, url.href, method === 'GET' ? undefined : JSON.stringify(body), options);
      const text = Buffer.from(bytes).toString('utf8');
      return text === '' ? ({} as never) : JSON.parse(text);
    },
    async upload(path, bytes, options) {
      await send('PUT', artifactUrl(path), bytes, options);
    },
    download: (path, options) => send('GET', artifactUrl(path), undefined, options),
    // close() would wait for requests in flight, as long as a server that never answers keeps them.
    close: () => dispatcher.destroy(),
  };
}

function sameRoot(uri: string, root: string): boolean {
  try {
    return serverRoot(withoutCredentials(uri)) === root;
  } catch {
    return false;
  }
}

/** The server's root URL; anything but http(s) with a host is refused here with the reason. */
function serverRoot(uri: string): string {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw badUri(uri, 'not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badUri(uri, `unsupported scheme ${url.protocol}`);
  if (url.hostname === '') throw badUri(uri, 'no host');
  return url.href.replace(/\/+$/, '');
}

function badUri(uri: string, why: string): GxError {
  return new GxError(
    'TRACKING_URI_INVALID',
    `tracking URI "${uri}": ${why}`,
    'use http(s)://host:port of an MLflow server, a file: URI or a folder, or unset it for ./mlruns',
  );
}

/** One line from an error answer: MLflow's own {error_code, message}, or the start of whatever else came back. */
function answerError(method: string, url: string, status: number, body: string): MlflowError {
  const where = `${method} ${new URL(url).pathname}`;
  let parsed: { error_code?: string; message?: string } | undefined;
  try {
    parsed = JSON.parse(body);
  } catch {
    // not JSON: a proxy's page, an auth challenge, another kind of server
  }
  const hint =
    status === 401 || status === 403
      ? 'check MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD (or MLFLOW_TRACKING_TOKEN)'
      : status === 404 && !parsed?.error_code
        ? 'is the tracking URI the root of an MLflow server (for example http://127.0.0.1:5000)?'
        : 'see the MLflow server log for details';
  if (parsed?.error_code || parsed?.message) {
    const message = `MLflow server: ${status} ${parsed.error_code ?? ''} ${oneLine(parsed.message ?? '')} (${where})`;
    return new MlflowError(message.replace(/ +/g, ' '), hint, status, parsed.error_code);
  }
  const text = oneLine(body.replace(/<[^>]*>/g, ' '));
  const shown = text === '' ? 'an empty body' : `"${text.length > 100 ? `${text.slice(0, 100)}...` : text}"`;
  return new MlflowError(`MLflow server: ${status} with ${shown}, not MLflow JSON (${where})`, hint, status);
}

/** The caller stopped waiting (its patience ran out, or the run was asked to stop): the server may be back later. */
function gaveUp(root: string): MlflowError {
  return new MlflowError(
    `MLflow server at ${root} did not answer in time`,
    'is the server overloaded or stuck? `gx sync <run>` sends a run kept on disk',
    undefined,
    'ETIMEDOUT',
  );
}

function unreachable(root: string, error: Error): MlflowError {
  // undici reports the reason (ECONNREFUSED, ENOTFOUND, a timeout) as a code on the error or on its cause.
  const { code, message } = ((error as { cause?: Error }).cause ?? error) as Error & { code?: string };
  return new MlflowError(
    `MLflow server at ${root} unreachable: ${code ?? message}`,
    'start the server (or check the tracking URI and the network); `gx sync <run>` sends a run kept on disk',
    undefined,
    code,
  );
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

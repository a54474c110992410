import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { EnvHttpProxyAgent, request } from 'undici';
import { GxError } from '../errors.js';
import { describeSystemError } from '../system-errors.js';
import { credentialsIn, type Login, withoutCredentials } from '../uri-credentials.js';
import { answerError, gaveUp, type MlflowError, TLS_PORT, unreachable } from './mlflow-error.js';
import { backoffSeconds, type CallOptions, retryAfterSeconds, retryPolicyFromEnv } from './mlflow-retry.js';
import { speaksTls } from './tls-probe.js';

/** Waits at least this long are said (`onWait`): a shorter one passes unnoticed, a longer one looks like a hang. */
const SAID_WAIT_S = 5;

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
 * and every message name the server without it. A wait of seconds before a retry is said through `onWait`.
 */
export function connectMlflow(
  uri: string,
  env: NodeJS.ProcessEnv = process.env,
  login: Login | undefined = credentialsIn(uri),
  onWait: (line: string) => void = (line) => process.stderr.write(`gx: ${line}\n`),
): MlflowHttp {
  const root = serverRoot(withoutCredentials(uri));
  const policy = retryPolicyFromEnv(env);
  const timeout = Number(env.MLFLOW_HTTP_REQUEST_TIMEOUT ?? 120) * 1000;
  const clientCert = readCert(env, 'MLFLOW_TRACKING_CLIENT_CERT_PATH');
  const serverCert = readCert(env, 'MLFLOW_TRACKING_SERVER_CERT_PATH');
  let tlsPort: Promise<boolean> | undefined; // asked once: does the port of an http:// URI speak TLS?
  const dispatcher = new EnvHttpProxyAgent({
    headersTimeout: timeout,
    bodyTimeout: timeout,
    connect: {
      rejectUnauthorized: !/^(true|1)$/i.test(env.MLFLOW_TRACKING_INSECURE_TLS ?? ''),
      ...(serverCert && { ca: serverCert }),
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
    let failure: MlflowError | undefined;
    for (let attempt = 1; ; attempt++) {
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
        if (response.statusCode < 300) return { status: response.statusCode, bytes };
        failure = answerError(method, url, response.statusCode, Buffer.from(bytes).toString('utf8'));
        const header = response.headers['retry-after'];
        retryAfter = Array.isArray(header) ? header[0] : header;
      } catch (error) {
        // Stopped waiting: what went wrong before says more than "did not answer" (a server closing connections).
        if (signal?.aborted) throw failure ?? gaveUp(root);
        failure = unreachable(root, error as Error);
        if (await closedForTls(failure)) failure = unreachable(root, Object.assign(new Error(), { code: TLS_PORT }));
      }
      if (!failure.transient || attempt > retries) throw failure;
      const seconds = backoffSeconds(policy, attempt, retryAfter);
      if (seconds >= SAID_WAIT_S) onWait(waitLine(failure, seconds, attempt, retries, retryAfter));
      const lastFailure = failure;
      await sleep(seconds * 1000, undefined, { signal }).catch(() => {
        throw lastFailure;
      });
    }
  }

  /** A plain http:// connection closed without an answer, by a port that speaks TLS. */
  async function closedForTls(failure: MlflowError): Promise<boolean> {
    if (!['UND_ERR_SOCKET', 'ECONNRESET'].includes(failure.errorCode ?? '') || !root.startsWith('http:')) return false;
    const { hostname, port } = new URL(root);
    tlsPort ??= speaksTls(hostname.replace(/^\[|\]$/g, ''), Number(port || 80));
    return tlsPort;
  }

  const artifactUrl = (path: string) =>
    `${root}/api/2.0/mlflow-artifacts/artifacts/${path.split('/').map(encodeURIComponent).join('/')}`;

  return {
    uri: root,
    async call(method, endpoint, body = {}, options) {
      const url = new URL(`${root}/api/2.0/mlflow/${endpoint}`);
      if (method === 'GET') for (const [k, v] of Object.entries(body)) url.searchParams.set(k, String(v));
      const answer = await send(method, url.href, method === 'GET' ? undefined : JSON.stringify(body), options);
      const text = Buffer.from(answer.bytes).toString('utf8');
      if (text === '') return {} as never;
      try {
        return JSON.parse(text);
      } catch {
        // A proxy's sign-in page, another kind of server: the same answer every time.
        throw answerError(method, url.href, answer.status, text);
      }
    },
    async upload(path, bytes, options) {
      await send('PUT', artifactUrl(path), bytes, options);
    },
    download: async (path, options) => (await send('GET', artifactUrl(path), undefined, options)).bytes,
    // close() would wait for requests in flight, as long as a server that never answers keeps them.
    close: () => dispatcher.destroy(),
  };
}

/** What gx does while it waits to try again, and why: a wait of minutes must not look like a hang. */
function waitLine(failure: MlflowError, seconds: number, attempt: number, retries: number, retryAfter?: string) {
  const asked = retryAfter === undefined ? Number.NaN : retryAfterSeconds(retryAfter);
  const capped = asked > seconds ? ` (it asked for ${Math.round(asked)} s)` : '';
  return `${failure.message}; trying again in ${Math.round(seconds)} s${capped}, retry ${attempt} of ${retries}`;
}

/** A certificate file named by an MLflow variable; a path that is no file says which variable to fix. */
function readCert(env: NodeJS.ProcessEnv, name: string): Buffer | undefined {
  const path = env[name];
  if (!path) return undefined;
  try {
    return readFileSync(path);
  } catch (error) {
    const described = describeSystemError(error);
    if (!described) throw error;
    // The reason alone (`read: is a folder`, `<path>: no such file`): the line names the variable and its path.
    const reason = described.message.slice(described.message.indexOf(': ') + 2);
    throw new GxError(described.code, `${name}=${path}: ${reason}`, 'give the path of a PEM file, or unset it');
  }
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

import { GxError } from '../errors.js';
import { RETRY_STATUSES } from './mlflow-retry.js';

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
   * not resolve, a TLS failure or a server that does not speak HTTP are mistakes in the setup, not an outage: they
   * fail the same way every time.
   */
  get transient(): boolean {
    return this.status === undefined ? !isSetupMistake(this.errorCode) : RETRY_STATUSES.has(this.status);
  }

  /**
   * The server refuses this record itself (a bad value, a param logged again with another value, too large): it
   * will every time, while other records go through. Not a run that is gone or deleted, which refuses them all.
   */
  get rejectsRecord(): boolean {
    return (this.status === 400 && this.errorCode !== 'INVALID_STATE') || this.status === 413;
  }
}

/** One line from an error answer: MLflow's own {error_code, message}, or the start of whatever else came back. */
export function answerError(method: string, url: string, status: number, body: string): MlflowError {
  const where = `${method} ${new URL(url).pathname}`;
  let parsed: { error_code?: string; message?: string } | undefined;
  try {
    parsed = JSON.parse(body);
  } catch {
    // not JSON: a proxy's page, an auth challenge, another kind of server
  }
  const hint =
    status < 300
      ? 'is the tracking URI the root of an MLflow server, not a proxy or its sign-in page?'
      : status === 401 || status === 403
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
export function gaveUp(root: string): MlflowError {
  return new MlflowError(
    `MLflow server at ${root} did not answer in time`,
    'is the server overloaded or stuck? `gx sync <run>` sends a run kept on disk',
    undefined,
    'ETIMEDOUT',
  );
}

/** A code for a plain http:// URI whose port speaks TLS (the server closes such connections without a word). */
export const TLS_PORT = 'GX_TLS_PORT';

/** Certificates the client does not trust (Node's codes for them), and TLS or HTTP that fails on the wire. */
const CERTIFICATE = /CERT|SIGNATURE|INVALID_CA|HOSTNAME_MISMATCH|PATH_LENGTH_EXCEEDED|INVALID_PURPOSE/;
const NOT_TLS = /^ERR_SSL_(WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|HTTP_REQUEST|RECORD_LAYER_FAILURE)$/;
const SETUP_MISTAKE = /^(ENOTFOUND|ERR_SSL_|ERR_OSSL_|ERR_TLS_|HPE_)|^GX_TLS_PORT$/;

function isSetupMistake(code?: string): boolean {
  return code !== undefined && (SETUP_MISTAKE.test(code) || CERTIFICATE.test(code));
}

export function unreachable(root: string, error: Error): MlflowError {
  // undici reports the reason (ECONNREFUSED, ENOTFOUND, a timeout) as a code on the error or on its cause.
  const { code, message } = ((error as { cause?: Error }).cause ?? error) as Error & { code?: string };
  const [what, hint] = reason(code, message);
  return new MlflowError(`MLflow server at ${root} ${what}`, hint, undefined, code);
}

function reason(code: string | undefined, message: string): [what: string, hint: string] {
  const later = '`gx sync <run>` sends a run kept on disk';
  const certs =
    'MLFLOW_TRACKING_SERVER_CERT_PATH (a CA bundle) and MLFLOW_TRACKING_CLIENT_CERT_PATH (certificate and key)';
  if (code === TLS_PORT) return ['speaks TLS, not plain http', 'use https:// in the tracking URI'];
  if (code && NOT_TLS.test(code)) return [`does not speak TLS (${code})`, 'use http:// in the tracking URI'];
  if (code && CERTIFICATE.test(code))
    return [
      `has a TLS certificate gx does not trust: ${oneLine(message)} (${code})`,
      'give its CA in MLFLOW_TRACKING_SERVER_CERT_PATH, or set MLFLOW_TRACKING_INSECURE_TLS=true for a test server',
    ];
  if (code && /^(ERR_SSL_|ERR_OSSL_|ERR_TLS_)/.test(code))
    return [
      `could not be reached over TLS: ${oneLine(message.replace(/^[0-9A-F]*:?error:[0-9A-F]+:/, ''))} (${code})`,
      `check ${certs}`,
    ];
  if (code?.startsWith('HPE_'))
    return [`answered something that is not HTTP (${code})`, 'is the tracking URI the address of an MLflow server?'];
  if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET')
    return [`closed the connection without an answer (${code})`, `is the server restarting or overloaded? ${later}`];
  return [`unreachable: ${code ?? message}`, `start the server (or check the tracking URI and the network); ${later}`];
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

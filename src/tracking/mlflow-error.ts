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
export function gaveUp(root: string): MlflowError {
  return new MlflowError(
    `MLflow server at ${root} did not answer in time`,
    'is the server overloaded or stuck? `gx sync <run>` sends a run kept on disk',
    undefined,
    'ETIMEDOUT',
  );
}

export function unreachable(root: string, error: Error): MlflowError {
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

/** The statuses MLflow's Python client retries, POST included (its writes are idempotent where it matters). */
export const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

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

/** The longest a server's Retry-After holds gx before it tries again (and says so): a minute, not an hour. */
export const RETRY_AFTER_CAP_S = 60;

/** How long to wait before retry number `attempt` (1-based); a server's Retry-After wins when it asks for longer. */
export function backoffSeconds(policy: RetryPolicy, attempt: number, retryAfter?: string, random = Math.random) {
  const backoff = Math.min(120, policy.factor * 2 ** (attempt - 1) + random() * policy.jitter);
  const asked = retryAfter === undefined ? Number.NaN : retryAfterSeconds(retryAfter);
  return Number.isFinite(asked) ? Math.max(backoff, Math.min(asked, RETRY_AFTER_CAP_S)) : backoff;
}

/** Seconds a Retry-After header asks for (a number, or a date); NaN when it says neither. */
export function retryAfterSeconds(value: string): number {
  if (/^\d+$/.test(value.trim())) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? Number.NaN : Math.max(0, (date - Date.now()) / 1000);
}

/** How long to keep trying: `retries` (else the policy's), and a signal that ends every wait at once. */
export interface CallOptions {
  retries?: number;
  signal?: AbortSignal;
}

import { setTimeout as sleep } from 'node:timers/promises';
import { MlflowError } from './mlflow-error.js';
import { backoffSeconds, type CallOptions, retryPolicyFromEnv } from './mlflow-retry.js';

/**
 * Creates something on the server once, though the answer to a create may be lost (a connection dropped after the
 * server did it): the create is never sent again blindly. Before each attempt gx looks for what an earlier attempt
 * made, by the uid tag it carries, and creates only when there is none.
 */
export async function findOrCreate<T>(
  find: (options: CallOptions) => Promise<T | undefined>,
  create: (options: CallOptions) => Promise<T>,
  options: CallOptions,
): Promise<T> {
  const policy = retryPolicyFromEnv();
  const retries = options.retries ?? policy.retries;
  for (let attempt = 1; ; attempt++) {
    const found = await find(options);
    if (found !== undefined) return found;
    try {
      return await create({ ...options, retries: 0 });
    } catch (error) {
      if (!(error instanceof MlflowError && error.transient) || attempt > retries) throw error;
      await sleep(backoffSeconds(policy, attempt) * 1000, undefined, { signal: options.signal }).catch(() => {
        throw error;
      });
    }
  }
}

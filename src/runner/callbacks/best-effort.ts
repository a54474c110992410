import { describeSystemError } from '../../system-errors.js';

/**
 * Does what it can while a run fails: an action that fails too is reported on `warn` and the next one still runs.
 * Returns whether the action succeeded.
 */
export async function bestEffort(
  warn: (line: string) => void,
  what: string,
  action: () => Promise<void>,
): Promise<boolean> {
  try {
    await action();
    return true;
  } catch (failure) {
    warn(`could not ${what}: ${(describeSystemError(failure) ?? (failure as Error)).message}`);
    return false;
  }
}

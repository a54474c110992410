import { GxError } from './errors.js';

/**
 * The keys MLflow takes for params, tags and metrics, checked as its server checks them (mlflow/utils/validation.py,
 * `_validate_param_name`, `_validate_tag_name`, `_validate_metric_name` and the length limit): letters, digits and
 * `_ - . / : space`, at most 250 characters, and nothing that reads as another path (`..`, `//`, a leading `/`, a `.`
 * segment). MLflow's file store, like gx's local store, keeps each key as a file path: a key that passes this check
 * stays inside its run's folder. (MLflow's regex also lets a key end in a newline, through Python's `$`; gx does not.)
 */

/** MLflow's MAX_ENTITY_KEY_LENGTH. */
export const MAX_KEY_LENGTH = 250;

/** Python's `\w` on text: letters, digits (any script) and `_`. */
const KEY_CHARACTERS = /^[\p{L}\p{N}_/.\- :]*$/u;

/**
 * The same rule as one JSON Schema pattern (ECMAScript, `u` flag), for editors: segments of those characters joined
 * by single slashes, none of them `.` or `..`, the first not starting with `..`. Its length is checked apart.
 */
export const MLFLOW_KEY_PATTERN =
  '^(?!\\.\\.)(?:(?!\\.\\.?(?:/|$))[\\p{L}\\p{N}_.\\- :]+)(?:/(?!\\.\\.?(?:/|$))[\\p{L}\\p{N}_.\\- :]+)*$';

/** Why MLflow would refuse `key` as a param, tag or metric name; undefined when it takes it. */
export function mlflowKeyProblem(key: string): string | undefined {
  if (!KEY_CHARACTERS.test(key))
    return 'may only hold letters, digits, underscores (_), dashes (-), periods (.), colons (:), spaces and slashes (/)';
  const normal = normpath(key);
  // MLflow's path_not_unique: keys are file names in a file store, and must stay in their folder, each its own.
  if (normal.startsWith('..') || normal.startsWith('/')) return `is a path that leads out of its folder ("${normal}")`;
  if (normal !== key || normal === '.') return `would resolve to the path "${normal}", another name (or none)`;
  const length = [...key].length; // Python counts code points
  if (length > MAX_KEY_LENGTH) return `is ${length} characters long, over MLflow's limit of ${MAX_KEY_LENGTH}`;
  return undefined;
}

/** Python's posixpath.normpath, which MLflow compares a key with. */
function normpath(path: string): string {
  if (path === '') return '.';
  // POSIX keeps two leading slashes (and folds three or more into one).
  const leading = path.startsWith('/') ? (path.startsWith('//') && !path.startsWith('///') ? 2 : 1) : 0;
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..' || (leading === 0 && parts.length === 0) || parts.at(-1) === '..') parts.push(part);
    else if (parts.length > 0) parts.pop();
  }
  const joined = '/'.repeat(leading) + parts.join('/');
  return joined === '' ? '.' : joined;
}

/** Throws when MLflow would refuse `key`: checked before a key is journaled, sent or used as a file name. */
export function assertMlflowKey(key: string, kind: 'param' | 'tag' | 'metric'): void {
  const problem = mlflowKeyProblem(key);
  if (problem === undefined) return;
  throw new GxError(
    'TRACKING_KEY_INVALID',
    `${kind} key ${JSON.stringify(key)} is not a key MLflow accepts: it ${problem}`,
    'keys may hold letters, digits, _ - . : / and spaces, with no ".." or "//" (`gx validate` checks tracking.tags)',
  );
}

/** MLflow keeps param values up to 6000 characters (older servers 500: a server client may cut further). */
const MAX_VALUE = 6000;

/** An experiment as MLflow params: one dotted key per leaf (`train.optimizer.g.lr`), lists as JSON. */
export function flattenParams(value: unknown, prefix = ''): Record<string, string> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return Object.assign(
      {},
      ...Object.entries(value).map(([key, child]) => flattenParams(child, prefix ? `${prefix}.${key}` : key)),
    );
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return { [prefix]: text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 3)}...` : text };
}

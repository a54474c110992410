/** How a chart's y axis maps values: linear; log where values > 0 span decades; symlog where they span signs too. */
export type YScale = { type: 'linear' } | { type: 'log' } | { type: 'symlog'; constant: number };

/** A line's values ten times those of another's typical size flatten it on a linear axis. */
const FLATTENING = 10;

/**
 * The y scale for lines of these values: when the largest magnitude is FLATTENING times the typical magnitude of
 * the smallest line (a WGAN critic's loss of -24 beside losses near 1, an FID of 300 beside a floor of 2), a log
 * axis if every value is positive, else a symmetric log (linear within `constant` of 0, logarithmic beyond).
 */
export function yScaleFor(lines: readonly (readonly number[])[]): YScale {
  const finite = lines.map((values) => values.filter(Number.isFinite)).filter((values) => values.length > 0);
  const all = finite.flat();
  if (all.length === 0) return { type: 'linear' };
  const largest = Math.max(...all.map(Math.abs));
  const typical = Math.min(...finite.map((values) => median(values.map(Math.abs))));
  if (typical > 0 ? largest / typical < FLATTENING : largest === 0) return { type: 'linear' };
  if (Math.min(...all) > 0) return { type: 'log' };
  // Within about the typical size of the smallest line the axis is linear: its wiggles stay visible.
  const constant = typical > 0 ? 10 ** Math.round(Math.log10(typical)) : 1;
  return { type: 'symlog', constant };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

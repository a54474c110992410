/** The prefix a run's real-data floor has on each metric it is measured for (`real_fid` is FID's floor). */
const REAL = 'real_';

/**
 * The real-data floor of a run, by metric (`{ fid: 2.1, class_accuracy: 0.98 }`), from what the run recorded:
 * floor.json in its folder (`real_fid`, ...) or its MLflow params (`floor.real_fid`, ...). Other facts recorded
 * beside it (the judge's own test accuracy) are not the floor of a charted metric and are left out.
 */
export function floorOf(recorded: Record<string, unknown>, prefix = ''): Record<string, number> {
  const floor: Record<string, number> = {};
  for (const [key, text] of Object.entries(recorded)) {
    if (!key.startsWith(`${prefix}${REAL}`)) continue;
    const value = Number(text);
    if (Number.isFinite(value)) floor[key.slice(prefix.length + REAL.length)] = value;
  }
  return floor;
}

/** The MLflow params that record a run's floor: a reference, not a setting to compare runs by. */
export const FLOOR_PARAM_PREFIX = 'floor.';

import { precisionRecall as measurePrecisionRecall } from './formulas.js';
import type { Metric } from './metric.js';
import type { Features } from './moments.js';

/** Precision/recall compare every pair: at most this many images of each side. */
const PR_POINTS = 2000;

/** Improved precision and recall (Kynkäänniemi et al. 2019) with k = 3: quality and coverage. */
export const precisionRecall: Metric = {
  name: 'precision_recall',
  summary: 'Improved precision (quality) and recall (coverage) (Kynkäänniemi 2019)',
  options: { properties: {} },
  byDefault: false,
  needs: 'features',
  values: [
    { key: 'precision', better: 'higher', charted: false },
    { key: 'recall', better: 'higher', charted: false },
  ],
  measure: ({ features, against }) =>
    measurePrecisionRecall(head(against.features, PR_POINTS), head(features, PR_POINTS), 3),
};

function head(set: Features, count: number): Features {
  const n = Math.min(count, set.count);
  return { count: n, dim: set.dim, values: set.values.subarray(0, n * set.dim) };
}

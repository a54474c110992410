import { featureMoments, frechetOf } from './backend-frechet.js';
import type { Metric } from './metric.js';

/** Fréchet distance of the classifier's features (Heusel et al. 2017, eq. 6); lower is better. */
export const fid: Metric = {
  name: 'fid',
  summary: 'Fréchet distance to the test split in the classifier’s features (Heusel 2017); lower is better',
  options: { properties: {} },
  byDefault: true,
  needs: 'features',
  values: [{ key: 'fid', better: 'lower', charted: true }],
  measure: ({ features, against }) => ({ fid: frechetOf(against.moments, featureMoments(features), features) }),
};

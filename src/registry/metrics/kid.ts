import { createRandom, deriveSeed } from '../../random.js';
import { kernelDistance } from './formulas.js';
import type { Metric } from './metric.js';

/** KID's subsets (Bińkowski et al. use 100 of 1000; 10 keep an evaluation within seconds on a CPU). */
const KID_SUBSETS = 10;
const KID_SUBSET_SIZE = 1000;

/** Kernel distance (Bińkowski et al. 2018, eq. 2), on subsets drawn from a fixed seed: every evaluation alike. */
export const kid: Metric = {
  name: 'kid',
  summary: 'Kernel distance to the test split in the classifier’s features (Bińkowski 2018); lower is better',
  options: { properties: {} },
  byDefault: false,
  needs: 'features',
  values: [{ key: 'kid', better: 'lower', charted: false }],
  measure: ({ features, against }) => {
    const random = createRandom(deriveSeed(0, 'kid'));
    return { kid: kernelDistance(features, against.features, KID_SUBSETS, KID_SUBSET_SIZE, random.next) };
  },
};

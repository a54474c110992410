import { classifierScore } from './formulas.js';
import type { Metric } from './metric.js';

/** The Inception score with the domain's own classifier (Salimans et al. 2016; TF-GAN's MNIST score). */
export const mnistScore: Metric = {
  name: 'mnist_score',
  summary: 'Inception score with the dataset’s classifier (Salimans 2016); 10 at best for 10 classes',
  options: { properties: {} },
  byDefault: true,
  needs: 'probabilities',
  values: [{ key: 'mnist_score', better: 'higher', charted: false }],
  measure: ({ probabilities }): Record<string, number> =>
    probabilities ? { mnist_score: classifierScore(probabilities, 10) } : {},
};

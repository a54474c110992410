import { labelAccuracy } from './formulas.js';
import type { Metric } from './metric.js';

/** How often the classifier sees the class G was asked for (conditional models only; AC-GAN, Odena et al. 2017). */
export const classAccuracy: Metric = {
  name: 'class_accuracy',
  summary: 'Share of generated images the classifier puts in the class they were drawn for (conditional models)',
  options: { properties: {} },
  byDefault: true,
  needs: 'probabilities',
  values: [{ key: 'class_accuracy', better: 'higher', charted: true }],
  measure: ({ probabilities, labels }): Record<string, number> =>
    labels && probabilities ? { class_accuracy: labelAccuracy(probabilities, labels) } : {},
};

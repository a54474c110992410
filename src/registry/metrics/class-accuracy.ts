import type { Metric } from './metric.js';

/** How often the classifier sees the class G was asked for (conditional models only; AC-GAN, Odena et al. 2017). */
export const classAccuracy: Metric = {
  name: 'class_accuracy',
  summary: 'Share of generated images the classifier puts in the class they were drawn for (conditional models)',
  options: { properties: {} },
  byDefault: true,
  measure: ({ probabilities, labels }): Record<string, number> => {
    if (!labels) return {};
    let correct = 0;
    for (let n = 0; n < probabilities.count; n++) {
      let best = 0;
      for (let c = 1; c < probabilities.dim; c++)
        if (probabilities.values[n * probabilities.dim + c] > probabilities.values[n * probabilities.dim + best])
          best = c;
      if (best === labels[n]) correct++;
    }
    return { class_accuracy: correct / probabilities.count };
  },
};

import { createRegistry } from '../registry.js';
import { classAccuracy } from './class-accuracy.js';
import { fid } from './fid.js';
import { kid } from './kid.js';
import type { Metric, MetricValue } from './metric.js';
import { mnistScore } from './mnist-score.js';
import { precisionRecall } from './precision-recall.js';

/** In this order in every evaluation's output, whatever the order of eval.metrics. */
export const evalMetrics = createRegistry<Metric>('metric', [fid, mnistScore, kid, precisionRecall, classAccuracy]);

/**
 * The entries `names` choose, in the registry's order; an unknown name is refused with a "did you mean" (a typo
 * would otherwise measure nothing, silently).
 */
export function chooseMetrics(names: readonly string[]): Metric[] {
  const chosen = new Set(names.map((name) => evalMetrics.get(name)));
  return evalMetrics.entries.filter((metric) => chosen.has(metric));
}

/** Every number the metrics give (fid, precision, recall, ...), with which way is better and whether it is charted. */
export const metricValues: readonly MetricValue[] = evalMetrics.entries.flatMap((metric) => metric.values);

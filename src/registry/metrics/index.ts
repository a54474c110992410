import { createRegistry } from '../registry.js';
import { classAccuracy } from './class-accuracy.js';
import { fid } from './fid.js';
import { kid } from './kid.js';
import type { Metric } from './metric.js';
import { mnistScore } from './mnist-score.js';
import { precisionRecall } from './precision-recall.js';

/** In this order in every evaluation's output, whatever the order of eval.metrics. */
export const evalMetrics = createRegistry<Metric>('metric', [fid, mnistScore, kid, precisionRecall, classAccuracy]);

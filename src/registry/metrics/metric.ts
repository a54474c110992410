import type { RegistryEntry } from '../registry.js';
import type { Features, Moments } from './moments.js';

/** What a metric sees: the classifier's view of the measured images and of the reference (the test split). */
export interface MetricInput {
  features: Features;
  /** Class probabilities per image. */
  probabilities: Features;
  against: { features: Features; moments: Moments };
  /** The classes the images were asked for, when the model is conditional. */
  labels?: ArrayLike<number>;
}

/** An evaluation metric: eval.metrics names it; it gives one or more numbers (none when it does not apply). */
export interface Metric extends RegistryEntry<Record<string, never>> {
  /** In eval.metrics when the experiment does not say. */
  byDefault: boolean;
  measure(input: MetricInput): Record<string, number>;
}

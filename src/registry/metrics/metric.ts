import type { RegistryEntry } from '../registry.js';
import type { Features, Moments } from './moments.js';

/** What a metric sees: a feature network's view of the measured images and of the reference set. */
export interface MetricInput {
  features: Features;
  /** Class probabilities per image: given when the metric `needs` them (and the network classifies). */
  probabilities?: Features;
  against: { features: Features; moments: Moments };
  /** The classes the images were asked for, when the model is conditional. */
  labels?: ArrayLike<number>;
}

/** One number a metric gives, under its own key, and how to read it. */
export interface MetricValue {
  key: string;
  better: 'lower' | 'higher';
  /** Drawn as a curve per run in reports; the others are in the reports' tables only. */
  charted: boolean;
}

/** An evaluation metric: eval.metrics names it; it gives one or more numbers (none when it does not apply). */
export interface Metric extends RegistryEntry<Record<string, never>> {
  /** In eval.metrics when the experiment does not say. */
  byDefault: boolean;
  /** What it measures with: a network's features alone, or its class probabilities too (a classifier's). */
  needs: 'features' | 'probabilities';
  /** The numbers it gives, in the order it gives them. */
  values: readonly MetricValue[];
  measure(input: MetricInput): Record<string, number>;
}

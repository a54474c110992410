import type { ResolvedExperiment } from '../config/experiment.js';
import { settingsOf } from '../config/settings.js';

/** MLflow keeps param values up to 6000 characters (older servers 500: a server client may cut further). */
const MAX_VALUE = 6000;

/**
 * An experiment's settings as MLflow params: one dotted key per leaf (`train.optimizer.g.lr`), lists as JSON. Its
 * name, description, tracking and sweep sections are not settings: a run's bookkeeping goes into tags.
 */
export function experimentParams(experiment: ResolvedExperiment): Record<string, string> {
  return Object.fromEntries(
    Object.entries(settingsOf(experiment)).map(([key, value]) => {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      return [key, paramValue(text)];
    }),
  );
}

/** A param's value within what MLflow keeps: a longer one is cut, and says so with `...`. */
export function paramValue(text: string): string {
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 3)}...` : text;
}

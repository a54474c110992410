import { withoutCredentials } from '../uri-credentials.js';
import type { ResolvedExperiment } from './experiment.js';

/**
 * The experiment as it may be shown, stored and logged (params, the run's description, experiment.yaml, a dry run,
 * a sweep's files): its tracking URI without a login. The login stays in memory, to sign in with.
 */
export function shareable(experiment: ResolvedExperiment): ResolvedExperiment {
  const uri = experiment.tracking?.uri;
  if (uri === undefined || withoutCredentials(uri) === uri) return experiment;
  return { ...experiment, tracking: { ...experiment.tracking, uri: withoutCredentials(uri) } };
}

import { readFile } from 'node:fs/promises';
import type { ResolvedExperiment } from '../config/experiment.js';
import { loadExperiment, resolveExperiment } from '../config/load.js';
import { ConfigError, GxError } from '../errors.js';
import { expandTrials, type Trial } from './trials.js';

/**
 * The trials of an experiment's sweep, each a whole experiment validated by the schema: an invalid combination is
 * reported, for every trial that has one, before anything runs.
 */
export async function sweepTrials(file: string, overrides: readonly string[]) {
  const base = await loadExperiment(file, { overrides });
  const text = await readFile(file, 'utf8');
  if (!base.sweep) {
    throw new GxError('SWEEP_EMPTY', `${file}: nothing to sweep`, 'add a sweep: section, or --param path=v1,v2,...');
  }
  const problems: string[] = [];
  const trials = expandTrials(base.sweep).map((trial) => {
    const sets = Object.entries(trial.values).map(([path, value]) => `${path}=${JSON.stringify(value)}`);
    try {
      return { trial, experiment: resolveExperiment(file, text, { overrides: [...overrides, ...sets] }) };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems.map((problem) => `trial ${trial.index} (${sets.join(' ')}): ${problem}`));
      return undefined;
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return { base, trials: trials as { trial: Trial; experiment: ResolvedExperiment }[] };
}

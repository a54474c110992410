import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { type ResolvedExperiment, withMaxSteps } from '../config/experiment.js';
import { loadExperiment, readExperimentFile, resolveExperiment } from '../config/load.js';
import { shareable } from '../config/shareable.js';
import { ConfigError, GxError } from '../errors.js';
import { expandTrials, type Trial, trialLabel } from './trials.js';

/** A trial and its whole experiment. */
export interface PlannedTrial {
  trial: Trial;
  experiment: ResolvedExperiment;
}

/**
 * The trials of an experiment's sweep, each a whole experiment validated by the schema: an invalid combination is
 * reported, for every trial that has one, before anything runs.
 */
export async function sweepTrials(file: string, overrides: readonly string[]) {
  const base = await loadExperiment(file, { overrides });
  const text = (await readExperimentFile(file)).toString('utf8');
  if (!base.sweep) {
    throw new GxError('SWEEP_EMPTY', `${file}: nothing to sweep`, 'add a sweep: section, or --param path=v1,v2,...');
  }
  const problems: string[] = [];
  const trials = expandTrials(base.sweep, base.seed).map((trial) => {
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
  return { base, trials: trials as PlannedTrial[] };
}

/**
 * The plan in the sweep's folder: the experiment as swept (experiment.yaml), and each trial's resolved experiment as
 * it will run (without the sweep section, with --max-steps) in trials/trial-NNN.yaml, for the record and a resume.
 * Returns those experiments by trial index, for the trials' processes.
 */
export async function writePlan(
  sweepDir: string,
  base: ResolvedExperiment,
  trials: readonly PlannedTrial[],
  maxSteps: number | undefined,
): Promise<Map<number, ResolvedExperiment>> {
  await writeFile(join(sweepDir, 'experiment.yaml'), stringify(shareable(base)));
  const planned = new Map<number, ResolvedExperiment>();
  for (const { trial, experiment } of trials) {
    const { sweep, ...single } = shareable(withMaxSteps(experiment, maxSteps));
    planned.set(trial.index, single);
    await writeFile(trialFile(sweepDir, trial), stringify(single));
  }
  return planned;
}

/** A trial's planned experiment: a resumed sweep reads a trial that never started back from it. */
export function trialFile(sweepDir: string, trial: Trial): string {
  return join(sweepDir, 'trials', `${trialLabel(trial.index)}.yaml`);
}

/**
 * What ranks the trials unless --metric says: FID when the experiment is evaluated with it (a GAN's loss says little
 * of its samples), else the generator's last loss. Both are better lower.
 */
export function defaultMetric(experiment: ResolvedExperiment): string {
  const evaluated = experiment.eval !== undefined && experiment.eval.enabled !== false;
  return evaluated && experiment.eval?.metrics.includes('fid') ? 'fid' : 'g_loss';
}

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ResolvedExperiment, type SettledExperiment, withClasses } from '../../src/config/experiment.js';
import { resolveExperiment } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import type { RegistryEntry } from '../../src/registry/registry.js';
import { tempDir } from './cli.js';

/** A GAN small enough to train many steps on the cpu backend in a test, on the first 64 MNIST images. */
export const tinyYaml = `
name: tiny
seed: 1
data: { type: mnist, limit: 64 }
model: { type: dcgan, latent_size: 8, num_classes: 10, width: 2, dropout: 0.3 }
loss: { type: standard, auxiliary: { weight: 1 } }
train:
  epochs: 3
  batch_size: 8
  optimizer:
    g: { type: adam, lr: 0.001, beta1: 0.5 }
    d: { type: adam, lr: 0.001, beta1: 0.5 }
runtime: { backend: cpu }
`;

export function tinyExperiment(overrides: string[] = []) {
  return onMnist(resolveExperiment('tiny.yaml', tinyYaml, { overrides }));
}

/** An experiment settled as a run on MNIST settles it: `num_classes: auto` becomes MNIST's 10 classes. */
export function onMnist(experiment: ResolvedExperiment): SettledExperiment {
  return withClasses(experiment, 10);
}

/**
 * The tiny experiment with another architecture and/or loss, each with its entry's example options (see
 * RegistryEntry.example), so that a test can train every entry of a registry.
 */
export function tinyExperimentWith(
  { architecture, loss }: { architecture?: RegistryEntry; loss?: RegistryEntry },
  overrides: string[] = [],
) {
  let yaml = tinyYaml;
  if (architecture) {
    const model = { type: architecture.name, latent_size: 8, num_classes: 10, ...architecture.example };
    yaml = yaml.replace(/^model: .*$/m, `model: ${JSON.stringify(model)}`);
  }
  if (loss) {
    const options = { type: loss.name, auxiliary: { weight: 1 }, ...loss.example };
    yaml = yaml.replace(/^loss: .*$/m, `loss: ${JSON.stringify(options)}`);
  }
  return onMnist(resolveExperiment('tiny.yaml', yaml, { overrides }));
}

/**
 * The tiny experiment as <name>.yaml in a fresh folder, named so that each test has its own MLflow experiment;
 * `extra` YAML (a section) is appended.
 */
export function tinyIn(name: string, extra = ''): string {
  const dir = tempDir();
  writeFileSync(join(dir, `${name}.yaml`), `${tinyYaml.replace('name: tiny', `name: ${name}`)}${extra}`);
  return dir;
}

/** The problems resolveExperiment reports for `text` (as "x.yaml"), or [] when it is valid. */
export function configProblems(text: string, overrides: string[] = []): string[] {
  try {
    resolveExperiment('x.yaml', text, { overrides });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

/**
 * The quickstart's model before it was chosen again (the AC-GAN class term, G's class multiplied into the noise, no
 * spectral norm): the model of the PyTorch quickstart anchor and of the quickstart's golden values, as overrides.
 */
export const FORMER_QUICKSTART_MODEL = [
  'model.g_conditioning=multiply',
  'model.d_conditioning=auxiliary',
  'model.spectral_norm=none',
  'loss.type=lsgan',
  'loss.auxiliary={weight: 1}',
];

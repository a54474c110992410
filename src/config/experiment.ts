import type { BackendName } from '../backend/backend-names.js';
import { GxError } from '../errors.js';
import type { ModelConfig, ModelSection } from '../registry/architectures/architecture.js';
import type { DataConfig } from '../registry/datasets.js';
import type { LossConfig } from '../registry/losses/loss.js';
import type { OptimizerConfig } from '../registry/optimizers.js';

// The registries own their sections' types; they are re-exported here, where the whole experiment is described.
export type { BackendName, DataConfig, LossConfig, ModelConfig, ModelSection, OptimizerConfig };

/**
 * A validated experiment with every default filled in, frozen: what the registries and the runner receive.
 * Mirrors src/config/schema.ts; registry-specific options stay as the entry's own keys beside `type`.
 */
export interface ResolvedExperiment {
  readonly name: string;
  readonly description?: string;
  readonly seed: number;
  readonly data: DataConfig;
  readonly model: ModelSection;
  readonly loss: LossConfig;
  readonly train: TrainConfig;
  readonly eval?: EvalConfig;
  readonly tracking: TrackingConfig;
  readonly runtime: { readonly backend: BackendName };
  readonly sweep?: SweepConfig;
}

export interface TrainConfig {
  readonly epochs: number;
  readonly max_steps?: number;
  readonly batch_size: number;
  readonly n_critic: number;
  readonly g_batch_multiplier: number;
  /** Decay of the moving average of G's weights (0: none). */
  readonly ema: number;
  readonly optimizer: { readonly g: OptimizerConfig; readonly d: OptimizerConfig };
  readonly checkpoint_every: number;
  readonly checkpoint_every_steps: number;
  readonly sample_every: number;
  readonly sample_every_steps: number;
  readonly sample_grid?: { readonly classes: 'rows' | 'columns'; readonly noise: 'fixed' | 'fresh' };
  /** Augmentations of D's inputs in training (src/registry/augmentations/), in order. */
  readonly augment?: readonly { readonly type: string; readonly [option: string]: unknown }[];
  /** After each epoch, D's and G's losses on the test split, as the seed's table's test rows. */
  readonly test_losses?: boolean;
}

export interface EvalConfig {
  /** false: no evaluation at all. */
  readonly enabled: boolean;
  readonly every: number;
  readonly every_steps: number;
  /** Names of src/registry/metrics/ entries. */
  readonly metrics: readonly string[];
  readonly samples: number;
  /** What the metrics measure with (default: gx's judge, trained on the data's labels). */
  readonly network?: EvalNetworkConfig;
}

/** eval.network: gx's judge of the data's classes, or a user's own layers model by path. */
export type EvalNetworkConfig =
  | { readonly type: 'judge' }
  | {
      readonly type: 'file';
      readonly path: string;
      readonly layer?: string;
      readonly range?: readonly [number, number];
    };

export interface TrackingConfig {
  readonly enabled?: boolean;
  readonly uri?: string;
  readonly experiment?: string;
  readonly run_name?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

export type SweepValues =
  | readonly unknown[]
  | { readonly min: number; readonly max: number; readonly scale?: 'linear' | 'log' }
  | { readonly tie: string };

export interface SweepConfig {
  readonly method: 'grid' | 'random';
  readonly count?: number;
  readonly seed: number;
  /** Each configuration on this many seeds: the experiment's seed and the ones after it. */
  readonly seeds?: number;
  readonly parameters: Readonly<Record<string, SweepValues>>;
}

/** The experiment with train.max_steps replaced (`gx run --max-steps`, a sweep's); unchanged when undefined. */
export function withMaxSteps(experiment: ResolvedExperiment, maxSteps: number | undefined): ResolvedExperiment {
  return maxSteps === undefined ? experiment : { ...experiment, train: { ...experiment.train, max_steps: maxSteps } };
}

/** An experiment whose model is settled (num_classes a number): what G and D are built from. */
export interface SettledExperiment extends ResolvedExperiment {
  readonly model: ModelConfig;
}

/**
 * A run's recorded experiment (its experiment.yaml), which a run writes settled; `file` names it in the error for
 * one that is not.
 */
export function recordedSettled(experiment: ResolvedExperiment, file: string): SettledExperiment {
  const { num_classes } = experiment.model;
  if (num_classes === 'auto') {
    throw new GxError(
      'RUN_RECORD',
      `${file}: model.num_classes is auto, but a run records the number it trained with`,
      'set model.num_classes in it to the number of classes the run was trained on',
    );
  }
  return { ...experiment, model: { ...experiment.model, num_classes } };
}

/** The experiment with `num_classes: auto` settled to the classes of the training data (`dataClasses`). */
export function withClasses(experiment: ResolvedExperiment, dataClasses: number): SettledExperiment {
  const { num_classes } = experiment.model;
  return {
    ...experiment,
    model: { ...experiment.model, num_classes: num_classes === 'auto' ? dataClasses : num_classes },
  };
}

import type * as tfl from '@tensorflow/tfjs-layers';
import type { RegistryEntry, TypedOptions } from '../registry.js';

import type { ModelOptions } from './model-options.js';

/** model: in an experiment: the architecture's name and options, and the options every architecture shares. */
export interface ModelConfig extends TypedOptions, ModelOptions {}

/**
 * model: as an experiment file holds it: num_classes may still be `auto`, which the training data settles
 * (config/experiment.ts withClasses); what the architectures build from is a ModelConfig.
 */
export interface ModelSection extends TypedOptions, Omit<ModelOptions, 'num_classes'> {
  readonly num_classes: number | 'auto';
}

/**
 * G maps [z] (or [z, label] when conditional) to NHWC images in [-1, 1]; D maps images to [score] (raw, any
 * loss applies) and, with a class head, [score, class logits].
 */
export interface GanModels {
  generator: tfl.LayersModel;
  discriminator: tfl.LayersModel;
}

export interface ArchitectureContext {
  /** [height, width, channels] of the training images. */
  imageShape: readonly [number, number, number];
  /** Give D a class head: the loss has the AC-GAN auxiliary term. */
  classHead: boolean;
  /** Seeds every initialiser, so the same seed gives the same weights. */
  seed: number;
}

export interface Architecture<Options = Record<string, unknown>> extends RegistryEntry<Options> {
  create(model: ModelConfig & Options, context: ArchitectureContext): GanModels;
}

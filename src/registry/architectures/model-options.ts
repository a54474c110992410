import type { OptionsSchema } from '../registry.js';

/** The options every architecture takes beside its own (model: in an experiment). */
export interface ModelOptions {
  readonly latent_size: number;
  readonly latent_distribution: 'uniform' | 'normal';
  readonly num_classes: number;
  readonly conditioning: 'multiply' | 'concatenate';
}

/** ModelOptions' schema, keyed by its type so that the two cannot drift apart. */
export const modelOptions: OptionsSchema<ModelOptions>['properties'] = {
  latent_size: {
    type: 'integer',
    minimum: 1,
    maximum: 4096,
    default: 100,
    description: 'Size of the noise vector z (at most 4096: it sizes the first layer of G)',
  },
  latent_distribution: {
    enum: ['uniform', 'normal'],
    default: 'normal',
    description: 'z ~ U[-1, 1] (the seed) or N(0, 1)',
  },
  num_classes: {
    // A number, or the string auto (minimum and maximum apply to numbers only, pattern to strings only).
    type: ['integer', 'string'],
    minimum: 0,
    maximum: 1000,
    pattern: '^auto$',
    default: 'auto',
    description:
      'Classes the generator is conditioned on (label embedding); 0 for an unconditional GAN; auto: as many as the training data has (0 when it has no labels)',
  },
  conditioning: {
    enum: ['multiply', 'concatenate'],
    default: 'multiply',
    description:
      "How G's first layer sees the class: z times a learned embedding (the seed), or z beside a one-hot vector",
  },
};

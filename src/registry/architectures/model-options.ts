import type { OptionsSchema } from '../registry.js';

/** The options every architecture takes beside its own (model: in an experiment). */
export interface ModelOptions {
  readonly latent_size: number;
  readonly latent_distribution: 'uniform' | 'normal';
  readonly num_classes: number;
  readonly g_conditioning: 'multiply' | 'concatenate';
  /**
   * How D sees the class: an AC-GAN class head (what loss.auxiliary trains), a projection, or not at all. Left out, it
   * settles to auxiliary with loss.auxiliary and none without (config/conditioning.ts).
   */
  readonly d_conditioning?: 'auxiliary' | 'projection' | 'none';
  readonly spectral_norm: 'd' | 'g' | 'both' | 'none';
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
  g_conditioning: {
    enum: ['multiply', 'concatenate'],
    default: 'multiply',
    description:
      "How G's first layer sees the class: z times a learned embedding (the seed), or z beside a one-hot vector",
  },
  d_conditioning: {
    enum: ['auxiliary', 'projection', 'none'],
    description:
      "How D sees the class: auxiliary, a class head that loss.auxiliary trains (AC-GAN, Odena et al. 2017); projection, D(x, y) = psi(phi(x)) + embed(y) . phi(x) (Miyato and Koyama 2018), which conditions D without AC-GAN's pull towards the easiest-to-classify image; none. Default: auxiliary with loss.auxiliary, else none",
  },
  spectral_norm: {
    enum: ['d', 'g', 'both', 'none'],
    default: 'none',
    description:
      'Spectral normalisation (Miyato et al. 2018) of every convolution and dense kernel in D, G, both or neither: each kernel divided by its largest singular value, estimated by one power iteration per training call',
  },
};

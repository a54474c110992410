import * as tf from '@tensorflow/tfjs-core';
import { FlatAdam } from './flat-adam.js';
import { createRegistry, type RegistryEntry, type TypedOptions } from './registry.js';

/** train.optimizer.g and .d in an experiment: the optimizer's name and options. */
export interface OptimizerConfig extends TypedOptions {
  readonly lr: number;
}

export interface Optimizer<Options = Record<string, unknown>> extends RegistryEntry<Options> {
  create(options: OptimizerConfig & Options): tf.Optimizer;
}

type AdamOptions = { lr: number; beta1: number; beta2: number; epsilon: number };
type RmspropOptions = { lr: number; decay: number; momentum: number; centered: boolean; epsilon: number };
type SgdOptions = { lr: number; momentum: number; nesterov: boolean };

const lr = { type: 'number', exclusiveMinimum: 0, description: 'Learning rate' };
const epsilon = { type: 'number', exclusiveMinimum: 0, default: 1e-8, description: 'Added to denominators' };

const adam: Optimizer<AdamOptions> = {
  name: 'adam',
  summary: 'Adam (Kingma & Ba 2015)',
  options: {
    properties: {
      lr,
      beta1: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.9, description: 'First-moment decay' },
      beta2: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0.999, description: 'Second-moment decay' },
      epsilon,
    },
    required: ['lr'],
  },
  example: { lr: 0.001 },
  create: (o) => new FlatAdam(o.lr, o.beta1, o.beta2, o.epsilon),
};

const rmsprop: Optimizer<RmspropOptions> = {
  name: 'rmsprop',
  summary: 'RMSProp (Tieleman & Hinton 2012)',
  options: {
    properties: {
      lr,
      decay: {
        type: 'number',
        minimum: 0,
        exclusiveMaximum: 1,
        default: 0.9,
        description: "Decay of the squared-gradient average (PyTorch's alpha; its default is 0.99)",
      },
      momentum: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0 },
      centered: { type: 'boolean', default: false },
      epsilon,
    },
    required: ['lr'],
  },
  example: { lr: 0.001 },
  create: (o) => tf.train.rmsprop(o.lr, o.decay, o.momentum, o.epsilon, o.centered),
};

const sgd: Optimizer<SgdOptions> = {
  name: 'sgd',
  summary: 'Stochastic gradient descent, with optional (Nesterov) momentum',
  options: {
    properties: {
      lr,
      momentum: { type: 'number', minimum: 0, exclusiveMaximum: 1, default: 0 },
      nesterov: { type: 'boolean', default: false },
    },
    required: ['lr'],
  },
  example: { lr: 0.01 },
  create: (o) => (o.momentum === 0 ? tf.train.sgd(o.lr) : tf.train.momentum(o.lr, o.momentum, o.nesterov)),
};

export const optimizers = createRegistry<Optimizer>('optimizer', [adam, rmsprop, sgd]);

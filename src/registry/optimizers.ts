import * as tf from '@tensorflow/tfjs-core';
import { FlatAdam } from './flat-adam.js';
import { createRegistry, type RegistryEntry, type TypedOptions } from './registry.js';

/** train.optimizer.g and .d in an experiment: the optimizer's name and options. */
export interface OptimizerConfig extends TypedOptions {
  readonly lr: number;
}

export interface Optimizer extends RegistryEntry {
  create(options: OptimizerConfig): tf.Optimizer;
}

const lr = { type: 'number', exclusiveMinimum: 0, description: 'Learning rate' };
const epsilon = { type: 'number', exclusiveMinimum: 0, default: 1e-8, description: 'Added to denominators' };

export const optimizers = createRegistry<Optimizer>('optimizer', [
  {
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
    create: (o) => new FlatAdam(o.lr, o.beta1 as number, o.beta2 as number, o.epsilon as number),
  },
  {
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
    create: (o) =>
      tf.train.rmsprop(o.lr, o.decay as number, o.momentum as number, o.epsilon as number, o.centered as boolean),
  },
  {
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
    create: (o) =>
      o.momentum === 0 ? tf.train.sgd(o.lr) : tf.train.momentum(o.lr, o.momentum as number, o.nesterov as boolean),
  },
]);

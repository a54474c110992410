import { createRegistry, type RegistryEntry } from '../registry.js';
import { fgan } from './fgan.js';
import { hinge } from './hinge.js';
import { lsgan } from './lsgan.js';
import { standard } from './standard.js';
import { wgan } from './wgan.js';
import { wganGp } from './wgan-gp.js';

export type Loss = RegistryEntry;

export const losses = createRegistry<Loss>('loss', [standard, wgan, wganGp, lsgan, hinge, fgan]);

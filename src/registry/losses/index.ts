import { createRegistry } from '../registry.js';
import { fgan } from './fgan.js';
import { hinge } from './hinge.js';
import type { Loss } from './loss.js';
import { lsgan } from './lsgan.js';
import { ragan } from './ragan.js';
import { standard } from './standard.js';
import { wgan } from './wgan.js';
import { wganGp } from './wgan-gp.js';

export const losses = createRegistry<Loss>('loss', [standard, wgan, wganGp, lsgan, hinge, fgan, ragan]);

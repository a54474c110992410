import { createRegistry } from '../registry.js';
import { gradientPenalty } from './gradient-penalty.js';
import { r1 } from './r1.js';
import type { Regulariser } from './regulariser.js';
import { weightClip } from './weight-clip.js';

export const regularisers = createRegistry<Regulariser>('regulariser', [gradientPenalty, weightClip, r1]);

import { createRegistry } from '../registry.js';
import { gradientPenalty } from './gradient-penalty.js';
import type { Regulariser } from './regulariser.js';
import { weightClip } from './weight-clip.js';

export const regularisers = createRegistry<Regulariser>('regulariser', [gradientPenalty, weightClip]);

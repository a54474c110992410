import { createRegistry } from '../registry.js';
import type { Augmentation } from './augmentation.js';
import { color } from './color.js';
import { cutout } from './cutout.js';
import { translation } from './translation.js';

export const augmentations = createRegistry<Augmentation>('augmentation', [translation, cutout, color]);

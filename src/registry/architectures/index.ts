import { createRegistry } from '../registry.js';
import { acganMnist } from './acgan-mnist.js';
import type { Architecture } from './architecture.js';
import { dcgan } from './dcgan.js';

export const architectures = createRegistry<Architecture>('architecture', [acganMnist, dcgan]);

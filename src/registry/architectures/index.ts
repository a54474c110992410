import { createRegistry, type RegistryEntry } from '../registry.js';
import { acganMnist } from './acgan-mnist.js';
import { dcgan } from './dcgan.js';

export type Architecture = RegistryEntry;

export const architectures = createRegistry<Architecture>('architecture', [acganMnist, dcgan]);

import * as tf from '@tensorflow/tfjs-core';
import type { Info, KernelArgs } from './run.js';

/**
 * Kernels gx adds to or replaces in a backend, each composed of that backend's own fast kernels: on wasm, what
 * training needs and wasm lacks or runs as slow loops; on tensorflow, where tfjs-node does needless work, and
 * kernels of gx's own. A row is a kernel's name and gx's kernel for it.
 */
export type KernelRow = readonly [kernelName: string, kernelFunc: tf.KernelFunc];

/** The backends' own kernels that gx's replaced, by backend and kernel name: each stays as the fallback. */
const own = new Map<string, tf.KernelFunc>();
const registered = new Set<string>();
const gradients = new Set<string>();

/**
 * Registers each row's kernel on `backendName`, once per process: in place of the backend's own kernel of that name
 * (kept for runOwn, its setup still runs), or beside its others where it has none.
 */
export function registerKernels(backendName: string, rows: readonly KernelRow[]): void {
  for (const [kernelName, kernelFunc] of rows) {
    const key = `${backendName}/${kernelName}`;
    if (registered.has(key)) continue;
    registered.add(key);
    const original = tf.getKernel(kernelName, backendName);
    if (original) {
      own.set(key, original.kernelFunc);
      tf.unregisterKernel(kernelName, backendName);
    }
    tf.registerKernel({ ...original, kernelName, backendName, kernelFunc });
  }
}

/** Runs the active backend's own kernel of this name, the one gx's replaced. */
export function runOwn(kernelName: string, args: KernelArgs): Info {
  const kernelFunc = own.get(`${tf.getBackend()}/${kernelName}`);
  if (!kernelFunc) throw new Error(`the ${tf.getBackend()} backend has no ${kernelName} kernel of its own`);
  return kernelFunc(args) as Info;
}

/** Registers each gradient once per process, in place of tfjs's where it has one. */
export function registerGradients(configs: readonly tf.GradConfig[]): void {
  for (const config of configs) {
    if (gradients.has(config.kernelName)) continue;
    gradients.add(config.kernelName);
    tf.registerGradient(config);
  }
}

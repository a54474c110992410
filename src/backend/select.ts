import * as tf from '@tensorflow/tfjs-core';
// Training needs every op's gradient: tfjs-core alone registers none, tfjs-layers' bundle registers them all.
import '@tensorflow/tfjs-layers';
import type { BackendName } from '../config/experiment.js';
import { GxError } from '../errors.js';
import { registerComparisonGradients } from './comparison-gradients.js';
import { registerWasmTrainingKernels } from './wasm-kernels.js';

/** The native TensorFlow bindings, GPU build first; each registers the `tensorflow` backend when it loads. */
const nativePackages = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

/**
 * What `auto` tries, fastest first: native TensorFlow, then wasm (XNNPACK; trains with gx's kernels, about 100x the
 * cpu backend here), then the pure-JS cpu backend.
 */
const autoOrder = ['tensorflow', 'wasm', 'cpu'] as const;

/**
 * Makes `requested` (or, for `auto`, the fastest backend that loads here) the active tfjs backend and returns
 * its name, to be recorded with the run.
 */
export async function selectBackend(requested: BackendName): Promise<string> {
  // gx reports the backend it chose itself; tfjs's "install tfjs-node" notice would only add noise.
  tf.env().set('PROD', true);
  registerComparisonGradients();
  const candidates = requested === 'auto' ? autoOrder : [requested];
  for (const name of candidates) {
    if ((await prepare(name)) && (await tf.setBackend(name))) {
      await tf.ready();
      return name;
    }
  }
  throw new GxError(
    'BACKEND_UNAVAILABLE',
    `the ${requested} backend cannot be loaded here`,
    requested === 'tensorflow'
      ? 'npm install @tensorflow/tfjs-node (or -gpu) where libtensorflow can be downloaded, or use --backend auto'
      : 'use --backend auto',
  );
}

async function prepare(name: string): Promise<boolean> {
  if (tf.findBackendFactory(name)) return true;
  if (name === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
  if (name === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    registerWasmTrainingKernels();
  }
  if (name === 'tensorflow') {
    for (const pkg of nativePackages) {
      try {
        await import(pkg);
        break;
      } catch {
        // Not installed, or its libtensorflow does not load on this machine: try the next one.
      }
    }
  }
  return Boolean(tf.findBackendFactory(name));
}

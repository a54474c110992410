import * as tf from '@tensorflow/tfjs-core';
// Training needs every op's gradient: tfjs-core alone registers none, tfjs-layers' bundle registers them all.
import '@tensorflow/tfjs-layers';
import { GxError } from '../errors.js';
import type { BackendName } from './backend-names.js';
import { registerComparisonGradients } from './comparison-gradients.js';
import { registerFusedBatchNorm } from './fused-batch-norm.js';
import { registerTensorflowKernels } from './kernels/tensorflow.js';
import { registerWasmKernels } from './kernels/wasm.js';
import { registerLeakyReluGradient } from './leaky-relu-gradient.js';
import { freeGradientsEarly } from './lean-backprop.js';
import { findInstalls } from './native/layout.js';
import { loadInstall, type NativeBackend, type TensorflowBinding } from './native/load.js';
import { routeToOneDnn } from './onednn.js';

/** tfjs-node's own packages, when a project installs them (they download libtensorflow 2.9 at install). */
const nativePackages = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

/**
 * What `auto` tries, fastest first: native TensorFlow, then wasm (XNNPACK; trains with gx's kernels, about 100x the
 * cpu backend here), then the pure-JS cpu backend.
 */
const autoOrder = ['tensorflow', 'wasm', 'cpu'] as const;

const NOT_INSTALLED = 'is not installed (gx backend install builds it)';

/** Where the `tensorflow` backend came from, or why it could not load: said with the run. */
let native: { source: string } | { problem: string } | undefined;
/** Whether the `tensorflow` backend runs convolutions on oneDNN's kernels: said with the run. */
let oneDnn = false;

/**
 * Makes `requested` (or, for `auto`, the fastest backend that loads here) the active tfjs backend and returns
 * its name, to be recorded with the run.
 */
export async function selectBackend(requested: BackendName): Promise<string> {
  // gx reports the backend it chose itself; tfjs's "install tfjs-node" notice would only add noise.
  tf.env().set('PROD', true);
  registerComparisonGradients();
  registerLeakyReluGradient();
  registerFusedBatchNorm();
  freeGradientsEarly();
  const candidates = requested === 'auto' ? autoOrder : [requested];
  for (const name of candidates) {
    if ((await prepare(name)) && (await tf.setBackend(name))) {
      await tf.ready();
      if (name === 'tensorflow') oneDnn = routeToOneDnn(tf.backend() as unknown as NativeBackend);
      return name;
    }
  }
  throw new GxError(
    'BACKEND_UNAVAILABLE',
    requested === 'tensorflow'
      ? `native TensorFlow ${nativeProblem()}`
      : `the ${requested} backend cannot be loaded here`,
    requested === 'tensorflow'
      ? 'gx backend status says what is there; --backend auto trains on wasm meanwhile'
      : 'use --backend auto',
  );
}

/** One line on the native backend: the library in use, or why there is none (and how to get it). */
export function describeNative(): string {
  if (native && 'source' in native) {
    const binding = (tf.engine().registry.tensorflow as { binding?: TensorflowBinding } | undefined)?.binding;
    const kernels = oneDnn ? 'oneDNN convolutions' : 'Eigen convolutions';
    return `TensorFlow ${binding?.TF_Version ?? '(version unknown)'} from ${native.source}, ${kernels}`;
  }
  return `native TensorFlow ${nativeProblem()}`;
}

function nativeProblem(): string {
  return native && 'problem' in native ? native.problem : NOT_INSTALLED;
}

async function prepare(name: string): Promise<boolean> {
  if (tf.findBackendFactory(name)) return true;
  if (name === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
  if (name === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    registerWasmKernels();
  }
  if (name === 'tensorflow') {
    native = await loadNative();
    if (tf.findBackendFactory(name)) registerTensorflowKernels();
  }
  return Boolean(tf.findBackendFactory(name));
}

/** gx's own builds first (newest TensorFlow, GPU first), then tfjs-node's packages in node_modules. */
async function loadNative(): Promise<{ source: string } | { problem: string }> {
  const problems: string[] = [];
  for (const install of await findInstalls()) {
    if (install.unusable) {
      problems.push(`${install.dir} is ${install.unusable}`);
      continue;
    }
    try {
      loadInstall(install.dir, install.manifest.napi);
      return { source: install.dir };
    } catch (error) {
      problems.push(`${install.dir} does not load: ${firstLine(error)}`);
    }
  }
  for (const pkg of nativePackages) {
    try {
      await import(pkg);
      if (tf.findBackendFactory('tensorflow')) return { source: pkg };
      problems.push(`${pkg} registers its backend with another copy of tfjs-core (not ${tf.version_core})`);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ERR_MODULE_NOT_FOUND') problems.push(`${pkg} does not load: ${firstLine(error)}`);
    }
  }
  if (problems.length === 0) return { problem: NOT_INSTALLED };
  return { problem: `cannot be loaded: ${problems.join('; ')} (gx backend install builds one that loads here)` };
}

function firstLine(error: unknown): string {
  return String((error as Error).message ?? error).split('\n')[0];
}

import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { packageFolder } from './layout.js';

/** What gx uses of tfjs-node's binding: its report of the C library it runs on, and the constants ops take. */
export interface TensorflowBinding {
  TF_Version: string;
  TF_FLOAT: number;
  TF_ATTR_TYPE: number;
  TF_ATTR_INT: number;
  TF_ATTR_FLOAT: number;
  TF_ATTR_STRING: number;
  TF_ATTR_BOOL: number;
}

/** An op attribute as tfjs-node's binding takes it. */
export type OpAttr = { name: string; type: number; value: unknown };

/** What gx reaches into of tfjs-node's backend: its binding and the calls every one of its kernels ends in. */
export interface NativeBackend {
  binding: TensorflowBinding;
  isUsingGpuDevice: boolean;
  executeSingleOutput(op: string, attrs: OpAttr[], inputs: tf.TensorInfo[]): tf.TensorInfo;
  executeMultipleOutputs(op: string, attrs: OpAttr[], inputs: tf.TensorInfo[], outputs: number): tf.TensorInfo[];
  disposeData(dataId: object): void;
}

/**
 * The key under which gx hands its own tfjs-core to an install's tfjs-node code: the install's `@tensorflow/tfjs`
 * and `@tensorflow/tfjs-core` are stubs that return it, so one tfjs-core holds every kernel and tensor.
 */
export const TFJS_CORE_KEY = Symbol.for('gx.tfjs-core');

/** Set beside TF_ENABLE_ONEDNN_OPTS=0 when that is gx's default, not the user's: the processes gx starts inherit both. */
const GX_ONEDNN_DEFAULT = 'GX_TF_ONEDNN_OPTS_DEFAULT';

/** Whether the user turned oneDNN off with TensorFlow's own switch (not gx's default for it). */
export const oneDnnTurnedOff =
  /^(0|false)$/i.test(process.env.TF_ENABLE_ONEDNN_OPTS ?? '') && process.env[GX_ONEDNN_DEFAULT] === undefined;

/**
 * Registers the `tensorflow` backend from an install in gx's cache: tfjs-node's kernels and backend class, bound to
 * the binding built there. Throws what Node says when a library does not load (a missing CUDA library, say).
 */
export function loadInstall(dir: string, napi: number): TensorflowBinding {
  // TensorFlow's start-up notices (CPU features, absl) are not for gx's users; the user's own setting wins.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  // TensorFlow's own oneDNN rewrite is on by default on some CPUs (AVX-512 VNNI, AMX) and off on others, and says so
  // on stderr before its logging is set up: gx sends the ops that gain from oneDNN to it itself (onednn.ts), alike
  // on every CPU. A user's TF_ENABLE_ONEDNN_OPTS wins.
  if (process.env.TF_ENABLE_ONEDNN_OPTS === undefined) {
    process.env.TF_ENABLE_ONEDNN_OPTS = '0';
    process.env[GX_ONEDNN_DEFAULT] = '1';
  }
  (globalThis as Record<symbol, unknown>)[TFJS_CORE_KEY] = createRequire(import.meta.url)('@tensorflow/tfjs-core');
  const require = createRequire(join(packageFolder(dir), 'package.json'));
  const binding = require(`./lib/napi-v${napi}/tfjs_binding.node`) as TensorflowBinding;
  require('./dist/register_all_kernels.js');
  const { NodeJSKernelBackend } = require('./dist/nodejs_kernel_backend.js');
  tf.registerBackend('tensorflow', () => new NodeJSKernelBackend(binding, '@tensorflow/tfjs-node'), 3);
  return binding;
}

/** The stub an install's `@tensorflow/tfjs` and `@tensorflow/tfjs-core` packages consist of. */
export const tfjsCoreStub = `// gx hands its own tfjs-core to this build of tfjs-node, so that one tfjs-core holds every kernel.
const core = globalThis[Symbol.for('gx.tfjs-core')];
if (!core) throw new Error('this tfjs-node build is loaded through gx (gx backend status)');
module.exports = core;
`;

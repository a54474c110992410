import * as tf from '@tensorflow/tfjs-core';

export type Info = tf.TensorInfo;
export type KernelArgs = Parameters<tf.KernelFunc>[0];
export type Backend = { disposeData(dataId: object): void };

/** Runs another kernel of the active backend directly, as its own kernels do, without going through the engine. */
export function run(kernelName: string, backend: Backend, inputs: Record<string, Info>, attrs: object = {}): Info {
  const kernel = tf.getKernel(kernelName, tf.getBackend());
  if (!kernel) throw new Error(`the ${tf.getBackend()} backend has no ${kernelName} kernel`);
  return kernel.kernelFunc({ inputs, backend: backend as never, attrs: attrs as tf.NamedAttrMap }) as Info;
}

export function dispose(backend: Backend, ...infos: Info[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/**
 * The one list of backend names: every command's --backend flag and the experiment schema's runtime.backend take it.
 * auto: native TensorFlow (GPU first) when installed, else the fastest backend that can train.
 */
export const backendNames = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;

export type BackendName = (typeof backendNames)[number];

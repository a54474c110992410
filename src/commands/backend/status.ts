import { readFile } from 'node:fs/promises';
import { Flags } from '@oclif/core';
import { backendNames } from '../../backend/backend-names.js';
import { findInstalls, nativeRoot } from '../../backend/native/layout.js';
import { describeNative, selectBackend } from '../../backend/select.js';
import { GxCommand } from '../../cli/gx-command.js';

export default class BackendStatus extends GxCommand {
  static override summary = 'Say which backend gx trains on here, and which native libraries and versions it loads';
  static override description =
    "Selects the backend as `gx run` does (auto: native TensorFlow, then wasm, then cpu), then lists the shared libraries the process has loaded for it (on Linux, from /proc/self/maps) and the native installs in gx's cache.";
  static override examples = ['<%= config.bin %> backend status', '<%= config.bin %> backend status --json'];
  static override enableJsonFlag = true;
  static override flags = {
    backend: Flags.option({ options: backendNames, default: 'auto' })(),
  };

  async run() {
    const { flags } = await this.parse(BackendStatus);
    const backend = await selectBackend(flags.backend);
    const native = describeNative();
    const libraries = await loadedLibraries();
    const installs = await findInstalls();
    this.log(`backend: ${backend}`);
    this.log(`  ${native}`);
    for (const library of libraries) this.log(`  loaded: ${library}`);
    this.log(`native installs in ${nativeRoot()}:${installs.length === 0 ? ' none' : ''}`);
    for (const { dir, manifest, unusable } of installs) {
      const megabytes = Object.values(manifest.libraries).reduce((sum, size) => sum + size, 0) / 1e6;
      this.log(
        `  ${manifest.variant} TensorFlow ${manifest.tensorflow}, tfjs-node ${manifest.tfjsNode}, N-API ${manifest.napi}, ${megabytes.toFixed(0)} MB, built ${manifest.installedAt.slice(0, 10)}${unusable ? ` (not usable: ${unusable})` : ''}`,
      );
      this.log(`    ${dir}`);
    }
    return { backend, native, libraries, installs };
  }
}

/** The TensorFlow, CUDA and binding libraries this process has mapped: what is really in use. */
async function loadedLibraries(): Promise<string[]> {
  const maps = await readFile('/proc/self/maps', 'utf8').catch(() => '');
  const paths = maps
    .split('\n')
    .map((line) => line.split(/\s+/).slice(5).join(' '))
    .filter((path) => /tfjs_binding|libtensorflow|libcu|libnccl|libnvrtc|libnvJitLink/.test(path));
  return [...new Set(paths)];
}

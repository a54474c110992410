import { Args, Flags } from '@oclif/core';
import { installNative } from '../../backend/native/install.js';
import { DEFAULT_TF_VERSION, type NativeVariant, nativeVariants } from '../../backend/native/layout.js';
import { GxCommand } from '../../cli/gx-command.js';

export default class BackendInstall extends GxCommand {
  static override summary = "Build native TensorFlow for gx from PyPI's wheel, without Google's download";
  static override description =
    `Fetches TensorFlow's C library from PyPI with your own pip (its index and proxy settings), builds tfjs-node's N-API binding against it with this Node's headers, checks it (it loads, reports its version, a convolution gradient equals the cpu backend's) and installs it into gx's cache ($GX_CACHE_DIR/native), where every project's gx finds it and \`npm ci\` does not remove it. Needs Python 3 with pip, a C++ compiler and make; takes about a minute and 0.7 GB (tensorflow-gpu: several GB with the CUDA 12 libraries from PyPI's NVIDIA wheels). Already installed: says so and does nothing, unless --force.`;
  static override examples = [
    '<%= config.bin %> backend install',
    '<%= config.bin %> backend install tensorflow-gpu',
    '<%= config.bin %> backend install --tf-version 2.20.0 --force',
  ];
  static override enableJsonFlag = true;
  static override args = {
    variant: Args.string({
      description: 'tensorflow (CPU) or tensorflow-gpu (CUDA 12)',
      options: Object.keys(nativeVariants),
      default: 'tensorflow',
    }),
  };
  static override flags = {
    'tf-version': Flags.string({ description: 'TensorFlow release on PyPI', default: DEFAULT_TF_VERSION }),
    force: Flags.boolean({ description: 'Build again even if it is installed' }),
  };

  async run(): Promise<{ dir: string; tensorflow: string; variant: string; reused: boolean }> {
    const { args, flags } = await this.parse(BackendInstall);
    const started = Date.now();
    const install = await installNative({
      variant: args.variant as NativeVariant,
      tfVersion: flags['tf-version'],
      force: flags.force,
      log: (line) => this.logToStderr(line),
    });
    const { manifest } = install;
    const megabytes = Object.values(manifest.libraries).reduce((sum, size) => sum + size, 0) / 1e6;
    this.log(
      install.reused
        ? `native TensorFlow ${manifest.tensorflow} (${manifest.variant}) is installed in ${install.dir}`
        : `installed native TensorFlow ${manifest.tensorflow} (${manifest.variant}, ${megabytes.toFixed(0)} MB) in ${install.dir} in ${Math.round((Date.now() - started) / 1000)} s; its convolution gradient is within ${manifest.check.convGradientMaxError.toExponential(1)} of the cpu backend's`,
    );
    return { dir: install.dir, tensorflow: manifest.tensorflow, variant: manifest.variant, reused: install.reused };
  }
}

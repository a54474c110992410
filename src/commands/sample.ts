import { realpath } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { Flags } from '@oclif/core';
import { writeOutputFile } from '../atomic-files.js';
import { backendNames } from '../backend/backend-names.js';
import { selectBackend } from '../backend/select.js';
import { GxCommand } from '../cli/gx-command.js';
import { recordedSettled } from '../config/experiment.js';
import { loadExperiment } from '../config/load.js';
import { GxError } from '../errors.js';
import { encodePng } from '../images/png.js';
import { disposeLatent, sampleLatent } from '../models/latent.js';
import { loadLayersModel } from '../models/model-files.js';
import { sampleGrid } from '../models/sample-grid.js';
import { createRandom } from '../random.js';

export default class Sample extends GxCommand {
  static override summary = "Draw images from a run's final generator into a PNG grid";
  static override description =
    'A conditional model draws a row per class, or only --class N. The generator is the one in <run>/model, as tf.loadLayersModel reads it.';
  static override examples = [
    '<%= config.bin %> sample --run runs/quickstart-20261128-101500-ab12 -o digits.png',
    '<%= config.bin %> sample --run runs/quickstart-20261128-101500-ab12 --class 7 --count 20 -o sevens.png',
  ];
  static override flags = {
    run: Flags.string({ description: 'The run folder', required: true }),
    output: Flags.string({
      char: 'o',
      description: 'PNG file to write (not over an existing file without --force)',
      required: true,
    }),
    force: Flags.boolean({ description: 'Overwrite the output file if it exists' }),
    class: Flags.integer({ description: 'Draw only this class (conditional models)', min: 0 }),
    // A grid of 10000 images is 100 x 100 already; more would only fill the memory.
    count: Flags.integer({ description: 'How many images (at most 10000)', default: 100, min: 1, max: 10000 }),
    seed: Flags.integer({ description: 'Seed of the noise (0 to 2^32-1)', default: 0, min: 0, max: 2 ** 32 - 1 }),
    backend: Flags.option({ options: backendNames, default: 'auto' })(),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Sample);
    await checkOutput(flags.output, flags.run, flags.force);
    const recorded = join(flags.run, 'experiment.yaml');
    const { model } = recordedSettled(await loadExperiment(recorded), recorded);
    if (flags.class !== undefined && flags.class >= model.num_classes) {
      throw new GxError(
        'USAGE',
        `--class ${flags.class}: the model has ${model.num_classes} classes`,
        model.num_classes > 0 ? `use 0 to ${model.num_classes - 1}` : 'this model is unconditional: leave --class out',
      );
    }
    await selectBackend(flags.backend);
    const generator = await loadLayersModel(join(flags.run, 'model'));
    const classes =
      model.num_classes === 0
        ? undefined
        : Array.from(
            { length: flags.count },
            (_, i) => flags.class ?? Math.floor((i * model.num_classes) / flags.count),
          );
    const latent = sampleLatent(model, flags.count, createRandom(flags.seed), classes);
    const grid = sampleGrid(generator, latent);
    disposeLatent(latent);
    const png = await encodePng(grid);
    await writeOutputFile(flags.output, png, flags.force);
    this.log(`${flags.output}: ${flags.count} images`);
  }
}

/** The run's own files are never an output; another file only with --force. */
async function checkOutput(output: string, run: string, force: boolean): Promise<void> {
  const target = join(await realpath(dirname(resolve(output))).catch(() => resolve(dirname(output))), basename(output));
  const runDir = await realpath(resolve(run)).catch(() => resolve(run));
  const inRun = relative(runDir, target);
  const folder = /^(model|checkpoint)(\.partial|\.old)?$/.exec(inRun.split(sep)[0])?.[1];
  if (folder && !inRun.startsWith('..')) {
    throw new GxError(
      'USAGE',
      `${output} is inside the run's ${folder}/ folder`,
      'write the samples elsewhere: -o samples.png',
    );
  }
  const exists = await realpath(output).then(
    () => true,
    () => false,
  );
  if (exists && !force)
    throw new GxError('OUTPUT_EXISTS', `${output} already exists`, 'give another -o, or --force to overwrite it');
}

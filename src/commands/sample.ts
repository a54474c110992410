import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Flags } from '@oclif/core';
import { selectBackend } from '../backend/select.js';
import { GxCommand } from '../cli/gx-command.js';
import { loadExperiment } from '../config/load.js';
import { GxError } from '../errors.js';
import { encodePng } from '../images/png.js';
import { createRandom } from '../random.js';
import { disposeLatent, sampleLatent } from '../runner/latent.js';
import { loadLayersModel } from '../runner/model-files.js';
import { sampleGrid } from '../runner/sample-grid.js';

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
    output: Flags.string({ char: 'o', description: 'PNG file to write', required: true }),
    class: Flags.integer({ description: 'Draw only this class (conditional models)', min: 0 }),
    count: Flags.integer({ description: 'How many images', default: 100, min: 1 }),
    seed: Flags.integer({ description: 'Seed of the noise', default: 0, min: 0 }),
    backend: Flags.string({ options: ['auto', 'tensorflow', 'wasm', 'cpu'], default: 'auto' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Sample);
    const experiment = await loadExperiment(join(flags.run, 'experiment.yaml'));
    const { model } = experiment;
    if (flags.class !== undefined && flags.class >= model.num_classes) {
      throw new GxError(
        'USAGE',
        `--class ${flags.class}: the model has ${model.num_classes} classes`,
        model.num_classes > 0 ? `use 0 to ${model.num_classes - 1}` : 'this model is unconditional: leave --class out',
      );
    }
    await selectBackend(flags.backend as 'auto');
    const generator = await loadLayersModel(join(flags.run, 'model'));
    const classes =
      model.num_classes === 0
        ? undefined
        : Array.from(
            { length: flags.count },
            (_, i) => flags.class ?? Math.floor((i * model.num_classes) / flags.count),
          );
    const latent = sampleLatent(model, flags.count, createRandom(flags.seed), classes);
    await writeFile(flags.output, encodePng(sampleGrid(generator, latent)));
    disposeLatent(latent);
    this.log(`${flags.output}: ${flags.count} images`);
  }
}

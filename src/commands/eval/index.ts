import { join } from 'node:path';
import { Flags } from '@oclif/core';
import { backendNames } from '../../backend/backend-names.js';
import { selectBackend } from '../../backend/select.js';
import { GxCommand } from '../../cli/gx-command.js';
import { type EvalConfig, recordedSettled } from '../../config/experiment.js';
import { loadExperiment } from '../../config/load.js';
import { prepareEvaluation } from '../../eval/evaluate.js';
import { loadLayersModel } from '../../models/model-files.js';
import { chooseMetrics, evalMetrics } from '../../registry/metrics/index.js';

export default class Eval extends GxCommand {
  static override summary = "Measure a run's generator: FID, MNIST score, KID, precision/recall, class accuracy";
  static override description =
    "Generated images are described by gx's classifier (`gx eval train-classifier`; MNIST's ships with gx) and compared with the test split. The real-data values (training images against the test split) are printed beside them: the floor a generator can reach.";
  static override examples = [
    '<%= config.bin %> eval --run runs/quickstart-20261128-101500-ab12',
    '<%= config.bin %> eval --run <run> --samples 2000 --metrics fid,kid',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    run: Flags.string({ description: 'A run folder (its model/ and experiment.yaml)', required: true }),
    samples: Flags.integer({
      description: "Generated images (default: the experiment's eval.samples, else 10000)",
      min: 10,
    }),
    metrics: Flags.string({
      description: 'Which metrics (comma-separated)',
      default: evalMetrics.entries.map((metric) => metric.name).join(','),
    }),
    backend: Flags.option({
      description: 'tfjs backend',
      options: backendNames,
      default: 'auto',
    })(),
  };

  async run() {
    const { flags } = await this.parse(Eval);
    // Refused before anything loads: a misspelt name would otherwise measure nothing and print nothing.
    const metrics = chooseMetrics(flags.metrics.split(',').map((name) => name.trim()));
    await selectBackend(flags.backend);
    const recorded = join(flags.run, 'experiment.yaml');
    const experiment = recordedSettled(await loadExperiment(recorded), recorded);
    const config: EvalConfig = {
      enabled: true,
      every: 0,
      every_steps: 0,
      samples: flags.samples ?? experiment.eval?.samples ?? 10000,
      metrics: metrics.map((metric) => metric.name),
    };
    const evaluation = await prepareEvaluation(experiment, config, (line) => process.stderr.write(`${line}\n`));
    const generator = await loadLayersModel(join(flags.run, 'model'));
    const measured = evaluation.evaluate(generator);
    evaluation.dispose();
    generator.dispose();
    for (const [key, value] of Object.entries(measured)) {
      const floor = evaluation.floor[`real_${key}`];
      this.log(
        `${key.padEnd(16)} ${value.toPrecision(5).padStart(12)}${floor === undefined ? '' : `   (real data: ${floor.toPrecision(5)})`}`,
      );
    }
    return { metrics: measured, floor: evaluation.floor, network: evaluation.network };
  }
}

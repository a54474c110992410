import { Args } from '@oclif/core';
import { GxCommand, setFlag } from '../cli/gx-command.js';
import { loadExperiment } from '../config/load.js';
import { ConfigError, GxError } from '../errors.js';

export default class Validate extends GxCommand {
  static override summary = 'Check experiment files against the schema, reporting every problem with its line';
  static override description =
    'Nothing is trained or written. Each problem is printed as file:line:col: message; the exit code is 1 if any file has one.';
  static override examples = [
    '<%= config.bin %> validate experiments/*.yaml',
    '<%= config.bin %> validate experiments/acgan-mnist.yaml --set train.optimizer.g.lr=1e-4',
  ];
  static override strict = false;
  static override enableJsonFlag = true;
  static override args = { files: Args.string({ description: 'Experiment YAML files', required: true }) };
  static override flags = { set: setFlag };

  async run(): Promise<{ file: string; ok: boolean; problems: string[] }[]> {
    const { argv, flags } = await this.parse(Validate);
    const results = [];
    for (const file of argv as string[]) {
      try {
        await loadExperiment(file, { overrides: flags.set });
        results.push({ file, ok: true, problems: [] });
        this.log(`${file}: OK`);
      } catch (error) {
        if (!(error instanceof GxError)) throw error;
        const problems = error instanceof ConfigError ? error.problems : [error.message];
        results.push({ file, ok: false, problems });
        if (!this.jsonEnabled()) process.stderr.write(`${problems.join('\n')}\n`);
      }
    }
    if (results.some((result) => !result.ok)) process.exitCode = 1;
    return results;
  }
}

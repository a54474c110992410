import { GxCommand } from '../cli/gx-command.js';
import { experimentSchema } from '../config/schema.js';

export default class Schema extends GxCommand {
  static override summary = 'Print the JSON Schema of experiment files';
  static override description =
    'The same schema as schemas/experiment.schema.json, assembled from the registries: every architecture, loss, optimizer and dataset with its options and defaults.';
  static override examples = ['<%= config.bin %> schema > experiment.schema.json'];

  async run(): Promise<void> {
    process.stdout.write(`${JSON.stringify(experimentSchema, null, 2)}\n`);
  }
}

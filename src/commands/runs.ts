import { Args, Flags } from '@oclif/core';
import { GxCommand } from '../cli/gx-command.js';
import { runsTable } from '../cli/runs-table.js';
import { trackingStore } from '../tracking/open.js';
import { readStore } from '../tracking/open-store-reader.js';
import type { RunSummary } from '../tracking/store-reader.js';

export default class Runs extends GxCommand {
  static override summary = 'List the recorded runs with their key params and last metrics';
  static override description =
    'Reads the configured store: the MLflow server of $MLFLOW_TRACKING_URI (or --tracking-uri), else ./mlruns. The params shown are those that differ between the runs listed (what a sweep varied), else the model, loss and learning rate; the metrics are the evaluation metrics (FID first), the last D and G losses and the rest; runs are ranked by FID (or the first evaluation metric they have); metrics the same in every run are folded into a note, and columns that do not fit 120 characters are left out unless --wide.';
  static override examples = [
    '<%= config.bin %> runs',
    '<%= config.bin %> runs quickstart',
    '<%= config.bin %> runs acgan-mnist --tracking-uri http://127.0.0.1:5000',
  ];
  static override enableJsonFlag = true;
  static override args = { experiment: Args.string({ description: 'Only the runs of this MLflow experiment' }) };
  static override flags = {
    'tracking-uri': Flags.string({ description: 'MLflow server or local store', env: 'MLFLOW_TRACKING_URI' }),
    limit: Flags.integer({ description: 'Show the newest N runs', default: 20, min: 1 }),
    wide: Flags.boolean({ description: 'Every column and whole run names, however wide (else it fits 120 columns)' }),
  };

  async run(): Promise<RunSummary[]> {
    const { args, flags } = await this.parse(Runs);
    const store = trackingStore({ uri: flags['tracking-uri'] });
    const stored = await readStore(store, (reader) =>
      reader.listRuns({ experiment: args.experiment, limit: flags.limit }),
    );
    // What --json prints: the run, not where the store keeps it.
    const runs = stored.map(({ experimentId, artifactUri, ...run }): RunSummary => run);
    const table = runsTable(runs, flags.wide);
    this.log(table.text);
    // Notes on stderr: stdout stays the table alone.
    for (const note of table.notes) this.logToStderr(note);
    return runs;
  }
}

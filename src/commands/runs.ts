import { Args, Flags } from '@oclif/core';
import { GxCommand } from '../cli/gx-command.js';
import { formatTable } from '../cli/table.js';
import { trackingStore } from '../tracking/open.js';
import { readStore } from '../tracking/open-store-reader.js';
import type { RunSummary } from '../tracking/store-reader.js';

/** Shown when no param differs between the runs listed. */
const DEFAULT_PARAMS = ['model.type', 'loss.type', 'train.optimizer.g.lr'];
/** At most this many params in the table: those that differ between the runs first. */
const MAX_PARAMS = 6;

export default class Runs extends GxCommand {
  static override summary = 'List the recorded runs with their key params and last metrics';
  static override description =
    'Reads the configured store: the MLflow server of $MLFLOW_TRACKING_URI (or --tracking-uri), else ./mlruns. The params shown are those that differ between the runs listed (what a sweep varied), else the model, loss and learning rate; the metrics are the last D and G losses and every evaluation metric.';
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
  };

  async run(): Promise<RunSummary[]> {
    const { args, flags } = await this.parse(Runs);
    const store = trackingStore({ uri: flags['tracking-uri'] });
    const stored = await readStore(store, (reader) =>
      reader.listRuns({ experiment: args.experiment, limit: flags.limit }),
    );
    // What --json prints: the run, not where the store keeps it.
    const runs = stored.map(({ experimentId, artifactUri, ...run }): RunSummary => run);
    const params = keyParams(runs);
    const metrics = headlineMetrics(runs);
    const rows = runs.map((run) => [
      run.runName,
      run.experiment,
      run.status,
      new Date(run.startTime).toISOString().slice(0, 16).replace('T', ' '),
      ...params.map((key) => run.params[key] ?? ''),
      ...metrics.map((key) => (run.metrics[key] === undefined ? '' : format(run.metrics[key]))),
    ]);
    this.log(formatTable([['run', 'experiment', 'status', 'started', ...params, ...metrics], ...rows]));
    return runs;
  }
}

function keyParams(runs: RunSummary[]): string[] {
  const keys = [...new Set(runs.flatMap((run) => Object.keys(run.params)))].sort();
  // Runs without the key (a sweep's parent) do not make it differ.
  const differing = keys.filter(
    (key) => new Set(runs.map((run) => run.params[key]).filter((v) => v !== undefined)).size > 1,
  );
  return (differing.length > 0 ? differing : DEFAULT_PARAMS).slice(0, MAX_PARAMS);
}

/** The two losses, then what is not a per-step training figure (d_*, g_*): the evaluation metrics. */
function headlineMetrics(runs: RunSummary[]): string[] {
  const keys = new Set(runs.flatMap((run) => Object.keys(run.metrics)));
  const losses = ['d_loss', 'g_loss'].filter((key) => keys.has(key));
  return [...losses, ...[...keys].filter((key) => !/^[dg]_/.test(key)).sort()];
}

function format(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(4))) : String(value);
}

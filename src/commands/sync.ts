import { Args, Flags } from '@oclif/core';
import { GxCommand } from '../cli/gx-command.js';
import { syncRun } from '../runner/sync-run.js';
import { recordedStore } from '../tracking/open.js';
import { rejectedLine } from '../tracking/server-tracker.js';

export default class Sync extends GxCommand {
  static override summary = "Send a run's tracking record to its MLflow server, where the server missed some of it";
  static override description =
    'While a server is unreachable, gx keeps what it could not send in the run folder (mlflow/outbox.jsonl) and sends it when the server is back. If the run ended first, this sends the rest. Each record is sent once: a second sync finds nothing to send.';
  static override examples = ['<%= config.bin %> sync runs/quickstart-20261128-101500-ab12'];
  static override enableJsonFlag = true;
  static override args = { run: Args.string({ description: 'A run folder, or its id under ./runs', required: true }) };
  static override flags = { 'runs-dir': Flags.string({ description: 'Where run folders are', env: 'GX_RUNS_DIR' }) };

  async run() {
    const { args, flags } = await this.parse(Sync);
    const synced = await syncRun(args.run, { runsDir: flags['runs-dir'] });
    const store = recordedStore(synced.store).kind;
    if (store === 'none') this.log(`${synced.runDir}: not tracked (tracking.enabled: false)`);
    else if (store === 'local') this.log(`${synced.runDir}: recorded in the local store ${synced.store}`);
    else if (synced.sent === 0) this.log(`MLflow run ${synced.runId} on ${synced.store} is up to date`);
    else this.log(`sent ${synced.sent} records to MLflow run ${synced.runId} on ${synced.store}`);
    // Not an error: they would be refused every time, and the rest of the record is in.
    if ('rejected' in synced && synced.rejected)
      process.stderr.write(`gx: ${rejectedLine(synced.rejected, synced.rejectedFile)}\n`);
    return synced;
  }
}

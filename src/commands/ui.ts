import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { Args, Flags } from '@oclif/core';
import { GxCommand } from '../cli/gx-command.js';
import { GxError } from '../errors.js';
import { trackingStore } from '../tracking/open.js';
import { readStore } from '../tracking/open-store-reader.js';
import { runsTableUrl } from '../tracking/ui-links.js';

export default class Ui extends GxCommand {
  static override summary = 'Open the MLflow UI on the configured store';
  static override description =
    "With an MLflow server configured ($MLFLOW_TRACKING_URI or --tracking-uri), its UI is the server's address. With the local store (./mlruns), this starts `mlflow ui` on it when MLflow is installed (pip install mlflow), and otherwise says how. Given an experiment, the link opens its runs table (MLflow 3 opens an experiment on its GenAI overview otherwise).";
  static override examples = [
    '<%= config.bin %> ui',
    '<%= config.bin %> ui quickstart',
    '<%= config.bin %> ui --port 5001',
    '<%= config.bin %> ui --print',
  ];
  static override args = { experiment: Args.string({ description: 'Open the runs table of this MLflow experiment' }) };
  static override flags = {
    'tracking-uri': Flags.string({ description: 'MLflow server or local store', env: 'MLFLOW_TRACKING_URI' }),
    port: Flags.integer({ description: 'Port for the local UI', default: 5000 }),
    print: Flags.boolean({ description: 'Only print the command that starts the UI' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Ui);
    const store = trackingStore({ uri: flags['tracking-uri'] });
    const page = async (root: string, experiment = args.experiment) =>
      experiment === undefined
        ? root
        : runsTableUrl(root, await readStore(store, (reader) => reader.experimentId(experiment)));
    if (store.kind === 'server') {
      this.log(`the MLflow UI is the server's own: ${await page(store.uri)}`);
      return;
    }
    const folder = resolve(store.folder);
    // MLflow 3.13+ reads a file store only when asked to.
    const command = `MLFLOW_ALLOW_FILE_STORE=true mlflow ui --backend-store-uri ${folder} --port ${flags.port}`;
    if (flags.print) {
      this.log(command);
      return;
    }
    if (spawnSync('mlflow', ['--version'], { stdio: 'ignore' }).status !== 0) {
      throw new GxError(
        'MLFLOW_NOT_INSTALLED',
        'the MLflow UI needs MLflow, which is not installed here',
        `pip install mlflow, then: ${command}`,
      );
    }
    this.log(`MLflow UI on ${folder}: ${await page(`http://127.0.0.1:${flags.port}`)} (Ctrl-C stops it)`);
    const ui = spawn('mlflow', ['ui', '--backend-store-uri', folder, '--port', String(flags.port)], {
      stdio: 'inherit',
      env: { ...process.env, MLFLOW_ALLOW_FILE_STORE: 'true' },
    });
    const code = await new Promise<number | null>((done) => ui.on('exit', done));
    process.exitCode = code ?? 0;
  }
}

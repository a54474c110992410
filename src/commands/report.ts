import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Args, Flags } from '@oclif/core';
import { GxCommand } from '../cli/gx-command.js';
import { GxError } from '../errors.js';
import { reportFromFolders } from '../report/folder-report.js';
import type { Report } from '../report/report-run.js';
import { reportFromStore } from '../report/store-runs.js';
import { writeReport } from '../report/write-report.js';
import { readSweepRecord } from '../sweep/record.js';
import { reportFromSweep } from '../sweep/sweep-report.js';
import { trackingStore } from '../tracking/open.js';

export default class ReportCommand extends GxCommand {
  static override summary = 'Compare runs on one self-contained HTML page: sample grids side by side, curves, settings';
  static override description =
    `The runs' final sample grids side by side with a slider through the steps they were drawn at, FID, class accuracy and the losses overlaid (charts drawn by Vega-Lite as SVG, with values on hover, optional smoothing, a log axis where a metric spans decades, the real-data floor as a dashed line), and the settings that differ, first in the table. The page holds its images and charts: it opens offline, from a file or in MLflow's artifact viewer; runs recorded on an MLflow server link to their pages there.
Run folders are ranked by their sweep's metric when they are trials of one sweep, else by FID; a run given twice is shown once. Runs whose settings are equal apart from \`seed\` are one configuration: the table gives the mean, the spread (sample sd) and each seed's value of the ranking metric, ranked by the mean, and the charts its mean curve with the seeds' min..max as a band.
A sweep folder writes <sweep>/report.html (gx sweep writes it too, and logs it to the parent run); run folders or --experiment write report.html here, or -o.
--experiment reads the configured MLflow store ($MLFLOW_TRACKING_URI or --tracking-uri, else ./mlruns): each run's params, metric histories and the sample grids it logged as step images.`;
  static override examples = [
    '<%= config.bin %> report runs/quickstart-sweep-20261128-101500-ab12',
    '<%= config.bin %> report runs/quickstart-20261128-101500-ab12 runs/quickstart-20261128-103000-cd34 -o lsgan-vs-wgan.html',
    '<%= config.bin %> report --experiment quickstart --limit 6',
  ];
  static override strict = false;
  static override enableJsonFlag = true;
  static override args = { folders: Args.string({ description: 'A sweep folder, or run folders' }) };
  static override flags = {
    experiment: Flags.string({ description: 'The newest runs of this MLflow experiment, read from the store' }),
    'tracking-uri': Flags.string({ description: 'MLflow server or local store', env: 'MLFLOW_TRACKING_URI' }),
    limit: Flags.integer({ description: 'With --experiment: at most this many runs', default: 10, min: 1 }),
    output: Flags.string({ char: 'o', description: 'HTML file to write (not over an existing file without --force)' }),
    force: Flags.boolean({ description: 'Overwrite the output file if it exists' }),
  };

  async run(): Promise<{ file: string; runs: number }> {
    const { argv, flags } = await this.parse(ReportCommand);
    const folders = argv as string[];
    if ((folders.length === 0) === (flags.experiment === undefined)) {
      throw new GxError(
        'USAGE',
        'give a sweep folder, run folders, or --experiment NAME',
        'gx report runs/quickstart-sweep-20261128-101500-ab12',
      );
    }
    const sweep = folders.length === 1 && (await exists(join(folders[0], 'sweep.json')));
    let report: Report;
    if (flags.experiment !== undefined) {
      report = await reportFromStore(trackingStore({ uri: flags['tracking-uri'] }), flags.experiment, flags.limit);
    } else if (sweep) {
      report = await reportFromSweep(resolve(folders[0]));
    } else {
      report = await reportFromFolders(folders, await sweepRanking(folders));
    }
    // A sweep's own report is gx's file, made again at will; any other file is the user's.
    const file = resolve(flags.output ?? (sweep ? join(folders[0], 'report.html') : 'report.html'));
    if (!(sweep && flags.output === undefined) && !flags.force && (await exists(file))) {
      throw new GxError('OUTPUT_EXISTS', `${file} exists`, 'give --force to overwrite it, or another -o');
    }
    if (report.runs.length === 0) {
      throw new GxError(
        'REPORT_EMPTY',
        'no runs to report',
        'a sweep reports the trials that ran; --experiment the runs that trained',
      );
    }
    await writeReport(report, file);
    this.log(`report of ${report.runs.length} runs: ${file}`);
    return { file, runs: report.runs.length };
  }
}

/**
 * The ranking of the sweep the run folders are trials of (`<sweep>/trials/<trial>/<run>`), when they all are of
 * one sweep; else none (the report ranks by FID).
 */
async function sweepRanking(folders: readonly string[]): Promise<Report['ranking']> {
  const sweeps = new Set(folders.map((folder) => resolve(folder, '..', '..', '..')));
  const [sweepDir] = sweeps;
  if (sweeps.size !== 1 || !(await exists(join(sweepDir, 'sweep.json')))) return undefined;
  const record = await readSweepRecord(sweepDir).catch(() => undefined);
  return record && { metric: record.metric, mode: record.mode };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

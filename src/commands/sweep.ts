import { Args, Flags } from '@oclif/core';
import { backendNames } from '../backend/backend-names.js';
import { GxCommand, setFlag } from '../cli/gx-command.js';
import { sweepProgress } from '../cli/sweep-progress.js';
import { sweepTable } from '../cli/sweep-table.js';
import { formatTable } from '../cli/table.js';
import { valueText } from '../config/settings.js';
import { stopOnSignal } from '../core/stop-on-signal.js';
import { GxError } from '../errors.js';
import { queuedSweepOptions } from '../sweep/queued-sweep.js';
import { resumeSweep, runSweep, type SweepOptions, sweepTrials } from '../sweep/sweep.js';
import { paramAsOverride } from '../sweep/trials.js';
import { recordedStore } from '../tracking/open.js';
import { runsTableUrl } from '../tracking/ui-links.js';

export default class Sweep extends GxCommand {
  static override summary = 'Train an experiment many times over a grid or random draws of its settings';
  static override description =
    `The values come from the experiment's sweep: section and from --param, which adds to it or replaces a path:
  --param train.optimizer.g.lr=1e-4,2e-4,4e-4          a list (grid, or drawn from at random)
  --param train.optimizer.g.lr=log:1e-5..1e-3          a range, log-uniform (random only; without log: uniform)
  --param train.optimizer.d.lr=@train.optimizer.g.lr   tied: D's lr follows G's in every trial
--seeds N runs every configuration on N seeds, the experiment's seed and the N-1 after it (--param seed=0,1,2 names them): GAN variants differ by about as much as seeds do, so the table, trials.csv and the parent's description then have one row per configuration, ranked by the mean of the metric over its seeds, with the spread (sample sd) and each seed's value.
Every trial is validated before anything runs. In MLflow the sweep is a parent run (the spec and the settings the trials share as params, the ranked table as its description with a link to the best trial, trials.csv) with one child run per trial. Each trial runs in its own process (--jobs at once); a failed or diverged trial is FAILED and the others go on. Ctrl-C stops the running trials cleanly; --resume <sweep folder> runs what did not finish.`;
  static override examples = [
    '<%= config.bin %> sweep experiments/acgan-mnist.yaml --param train.optimizer.g.lr=1e-4,2e-4,4e-4',
    '<%= config.bin %> sweep experiments/quickstart.yaml --param loss.type=standard,lsgan,wgan-gp --jobs 2',
    '<%= config.bin %> sweep experiments/quickstart.yaml --param loss.type=standard,lsgan --seeds 3',
    '<%= config.bin %> sweep experiments/quickstart.yaml --method random --count 8 --param train.optimizer.g.lr=log:1e-5..1e-3 --param train.optimizer.d.lr=@train.optimizer.g.lr',
    '<%= config.bin %> sweep --resume runs/quickstart-sweep-20261128-101500-ab12',
  ];
  static override enableJsonFlag = true;
  static override args = { file: Args.string({ description: 'Experiment YAML file (not with --resume)' }) };
  static override flags = {
    param: Flags.string({
      char: 'p',
      description: 'A swept path and its values (repeatable)',
      multiple: true,
      default: [],
    }),
    set: setFlag,
    method: Flags.string({ description: 'grid (every combination) or random', options: ['grid', 'random'] }),
    count: Flags.integer({ description: 'Trials drawn by --method random', min: 1 }),
    seed: Flags.integer({ description: 'Seeds the random draws', min: 0 }),
    seeds: Flags.integer({
      description:
        "Runs each configuration on N seeds: the experiment's seed and the N-1 after it (the table ranks by the mean)",
      min: 1,
    }),
    jobs: Flags.integer({ char: 'j', description: 'Trials at once, each in its own process', default: 1, min: 1 }),
    metric: Flags.string({
      description:
        'Ranks the trials by this metric, its last value (default fid when the experiment is evaluated with it, else g_loss)',
    }),
    mode: Flags.string({
      description: 'Whether lower (default) or higher --metric is better',
      options: ['min', 'max'],
    }),
    'fail-fast': Flags.boolean({ description: 'Start no more trials after one fails' }),
    'max-steps': Flags.integer({ description: "Caps every trial's generator steps", min: 1 }),
    backend: Flags.option({
      description: 'tfjs backend for every trial',
      options: backendNames,
    })(),
    'dry-run': Flags.boolean({ description: 'List the trials (each validated) and exit' }),
    resume: Flags.string({ description: 'Continue a sweep (its folder): only the trials that did not finish' }),
    'runs-dir': Flags.string({ description: 'Where sweep folders go', env: 'GX_RUNS_DIR' }),
    queue: Flags.string({
      description:
        'Run the trials on `gx worker`s through this Redis queue: redis://[user:pass@]host:port[/db] (login also from REDIS_USERNAME, REDIS_PASSWORD); needs an MLflow server',
    }),
    detach: Flags.boolean({ description: 'With --queue: enqueue and return; --resume follows and finishes the sweep' }),
  };

  async run(): Promise<unknown> {
    const { args, flags } = await this.parse(Sweep);
    if (!args.file === !flags.resume) {
      throw new GxError(
        'USAGE',
        'give either an experiment file or --resume <sweep folder>',
        'gx sweep experiments/quickstart.yaml --param ...',
      );
    }
    const overrides = [
      ...flags.set,
      ...flags.param.map(paramAsOverride),
      ...(flags.method ? [`sweep.method=${flags.method}`] : []),
      ...(flags.count !== undefined ? [`sweep.count=${flags.count}`] : []),
      ...(flags.seed !== undefined ? [`sweep.seed=${flags.seed}`] : []),
      ...(flags.seeds !== undefined ? [`sweep.seeds=${flags.seeds}`] : []),
    ];
    if (flags['dry-run'] && args.file) {
      const { trials } = await sweepTrials(args.file, overrides);
      const paths = Object.keys(trials[0]?.trial.values ?? {});
      this.log(
        formatTable([
          ['trial', ...paths],
          ...trials.map(({ trial }) => [String(trial.index), ...paths.map((p) => valueText(trial.values[p]))]),
        ]),
      );
      return trials.map(({ trial }) => trial);
    }

    const stop = stopOnSignal(() =>
      process.stderr.write(
        '\nstopping: each running trial stops after its step and saves a checkpoint (again to quit at once)\n',
      ),
    );
    // Each trial's state, step, last metric and ETA as it trains (the ranking metric when known, else FID or losses).
    const live = this.jsonEnabled() ? undefined : sweepProgress({ metric: flags.metric ?? 'fid' });
    const options: SweepOptions = {
      runsDir: flags['runs-dir'],
      jobs: flags.jobs,
      metric: flags.metric,
      mode: flags.mode as SweepOptions['mode'],
      failFast: flags['fail-fast'],
      maxSteps: flags['max-steps'],
      backend: flags.backend,
      stop,
      ...(flags.queue && (await queuedSweepOptions(flags.queue, { ...args, ...flags, overrides }))),
      ...(live && {
        onTrialStart: live.started,
        onProgress: live.progress,
        onTrial: live.ended,
        warn: (line: string) => live.log(`gx: ${line}`),
      }),
    };
    const result = flags.resume
      ? await resumeSweep(flags.resume, options).finally(() => live?.close())
      : await runSweep(args.file as string, overrides, options).finally(() => live?.close());
    const table = sweepTable(result.record);
    this.log(table.text);
    for (const note of table.notes) this.log(note);
    this.log(`\nsweep ${result.record.id}: ${result.sweepDir}`);
    const { store, runId, experimentId } = result.record.parent;
    if (runId && experimentId && recordedStore(store).kind === 'server')
      this.log(`MLflow parent run ${runId}, in the runs table: ${runsTableUrl(store, experimentId)}`);
    else if (runId) this.log(`MLflow parent run ${runId} in ${store}; see it with: gx ui`);
    if (!result.complete && flags.detach) {
      this.log(`trials queued; follow and finish the sweep with: gx sweep --resume ${result.sweepDir} --queue <url>`);
    } else if (!result.complete) {
      this.log(`continue with: gx sweep --resume ${result.sweepDir}${flags.queue ? ' --queue <url>' : ''}`);
      process.exitCode = 130;
    }
    return { sweepDir: result.sweepDir, ...result.record };
  }
}

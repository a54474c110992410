import { Args, Flags } from '@oclif/core';
import { stringify } from 'yaml';
import { backendNames } from '../backend/backend-names.js';
import { GxCommand, setFlag } from '../cli/gx-command.js';
import { withMaxSteps } from '../config/experiment.js';
import { loadExperiment } from '../config/load.js';
import { changedSettings, runName } from '../config/settings.js';
import { shareable } from '../config/shareable.js';
import { stopInSteps } from '../core/stop-on-signal.js';
import { GxError } from '../errors.js';
import { describeModels } from '../runner/progress/describe-models.js';
import { type RunOptions, type RunResult, resumeRun, runExperiment } from '../runner/run.js';
import { recordedStore } from '../tracking/open.js';
import { runsTableUrl } from '../tracking/ui-links.js';

export default class Run extends GxCommand {
  static override summary = 'Train one experiment';
  static override description =
    `Trains on the best backend available (native TensorFlow, GPU first, when installed; else the fastest pure-JS backend that trains) and writes a run folder under ./runs (or $GX_RUNS_DIR): the resolved experiment, history.jsonl (every step's metrics), sample grids in samples/ (train.sample_every epochs, train.sample_every_steps steps, and at the end) and evolution.gif animating them, checkpoint/ (G, D, both optimizers, the step and the random state) and model/ (the final generator in the TensorFlow.js layers format, for tf.loadLayersModel).

Ctrl-C stops after the current step and saves a checkpoint (a second Ctrl-C skips the final grids and evaluation); \`gx run --resume <run>\` continues exactly where it stopped.`;
  static override examples = [
    '<%= config.bin %> run experiments/quickstart.yaml',
    '<%= config.bin %> run experiments/acgan-mnist.yaml --dry-run',
    '<%= config.bin %> run experiments/lsgan.yaml --set train.optimizer.g.lr=1e-4 --max-steps 200',
    '<%= config.bin %> run --resume runs/quickstart-20261128-101500-ab12 --max-steps 1200',
  ];
  static override enableJsonFlag = true;
  static override args = { file: Args.string({ description: 'Experiment YAML file (not with --resume)' }) };
  static override flags = {
    set: setFlag,
    backend: Flags.option({
      description: 'tfjs backend (overrides runtime.backend)',
      options: backendNames,
    })(),
    'max-steps': Flags.integer({
      description: 'Stop after this many generator steps (overrides train.max_steps)',
      min: 1,
    }),
    'dry-run': Flags.boolean({
      description: 'Print the resolved experiment and the models with their parameter counts, then exit',
    }),
    resume: Flags.string({ description: 'Continue a run (its folder or id) from its last checkpoint' }),
    'runs-dir': Flags.string({ description: 'Where run folders go', env: 'GX_RUNS_DIR' }),
  };

  async run(): Promise<unknown> {
    const { args, flags } = await this.parse(Run);
    if (!args.file === !flags.resume) {
      throw new GxError(
        'USAGE',
        'give either an experiment file or --resume <run>',
        'gx run experiments/quickstart.yaml',
      );
    }
    if (flags.resume && flags.set.length > 0) {
      throw new GxError(
        'USAGE',
        '--set cannot change a run being resumed',
        'start a new run with the changed experiment instead',
      );
    }
    const options: RunOptions = {
      runsDir: flags['runs-dir'],
      backend: flags.backend,
      maxSteps: flags['max-steps'],
      progress: !this.jsonEnabled(),
    };

    if (flags.resume)
      return resumeRun(flags.resume, withStop(options)).then((result) => this.report(result), stoppedEarly);
    const experiment = await loadExperiment(args.file as string, { overrides: flags.set });
    if (flags['dry-run']) {
      const models = await describeModels(experiment, options.backend);
      if (!this.jsonEnabled()) {
        this.log(stringify(shareable(experiment)));
        for (const [name, model] of Object.entries(models))
          this.log(`${name}: ${model.parameters.toLocaleString('en')} parameters\n${model.summary}\n`);
      }
      return { experiment: shareable(experiment), models };
    }
    // Named by what the command line changes in the file (--set, --max-steps): `quickstart loss=lsgan`. (A file
    // that is only whole with its --set values is compared with the run itself: no change named.)
    const asFiled = await loadExperiment(args.file as string).catch(() => experiment);
    const ran = withMaxSteps(experiment, flags['max-steps']);
    const paths = [
      ...flags.set.map((expression) => expression.slice(0, expression.indexOf('=')).trim()),
      'train.max_steps',
    ];
    options.runName = experiment.tracking.run_name ?? runName(experiment.name, changedSettings(asFiled, ran, paths));
    return runExperiment(experiment, withStop(options)).then((result) => this.report(result), stoppedEarly);
  }

  private report<T extends RunResult>(result: T): T {
    this.log(
      `${result.status === 'FINISHED' ? 'finished' : 'stopped'}: run ${result.runId} (${result.state.step} steps on ${result.backend})`,
    );
    this.log(`  ${result.runDir}`);
    const { store, runId, experimentId } = result.tracking;
    const kind = recordedStore(store).kind;
    if (kind === 'none') this.log('  not tracked (tracking.enabled: false)');
    else if (runId === undefined) this.log(`  not in MLflow yet: \`gx sync ${result.runDir}\` sends it to ${store}`);
    else if (kind === 'server' && experimentId !== undefined)
      this.log(`  MLflow run ${runId}, in the runs table: ${runsTableUrl(store, experimentId)}`);
    else this.log(`  MLflow run ${runId} in ${store}; see it with: gx ui`);
    if (result.status !== 'FINISHED') {
      this.log(`  continue with: gx run --resume ${result.runDir}`);
      process.exitCode = 130;
    }
    return result;
  }
}

/** The signal that asked the run to stop, if one did: its exit code when the run stops before training. */
let stoppedBy: NodeJS.Signals | undefined;

/**
 * Ctrl-C (or SIGTERM) asks the loop to stop after the current step; a second one to end the run fast (its checkpoint
 * and record kept, so that it can be resumed); a third quits at once.
 */
function withStop(options: RunOptions): RunOptions {
  const { stop, hurry } = stopInSteps(
    (signal) => {
      stoppedBy = signal;
      process.stderr.write(`\n${signal}: stopping after this step and saving a checkpoint (again to hurry)\n`);
    },
    (signal) =>
      process.stderr.write(
        `\n${signal} again: skipping the final grids and evaluation; saving the checkpoint and ending the run (a third time quits at once, leaving the run unfinished)\n`,
      ),
  );
  return { ...options, shouldStop: () => stop.aborted, shouldHurry: () => hurry.aborted, stop };
}

/** A run stopped before it trained (while its data loaded) exits as a signal would: 130 for SIGINT, 143 for SIGTERM. */
function stoppedEarly(error: unknown): { stopped: true } {
  if (!(error instanceof GxError && error.code === 'STOPPED')) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = stoppedBy === 'SIGTERM' ? 143 : 130;
  return { stopped: true };
}

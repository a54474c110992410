import { join } from 'node:path';
import { stringify } from 'yaml';
import { writeFileAtomic } from '../../atomic-files.js';
import { describeNative } from '../../backend/select.js';
import type { ResolvedExperiment } from '../../config/experiment.js';
import { shareable } from '../../config/shareable.js';
import type { ImageSet } from '../../data/image-set.js';
import { describeSystemError } from '../../system-errors.js';
import { experimentParams } from '../../tracking/params.js';
import type { Tracker } from '../../tracking/tracker.js';
import { gxVersion } from '../../version.js';
import { bestEffort } from './best-effort.js';
import type { Callback } from './callback.js';
import { describeDataset } from './dataset-input.js';

export interface RunRecordOptions {
  runId: string;
  /** The MLflow run's name: what `gx report` calls the run. */
  runName: string;
  runDir: string;
  /** The experiment as it runs (--max-steps applied), saved as the run's experiment.yaml: it repeats the run. */
  experiment: ResolvedExperiment;
  backend: string;
  tracker: Tracker;
  warn: (line: string) => void;
  /** The training data: the logged model names it with its metrics. */
  data?: ImageSet;
}

/**
 * The run's own record: run.json (RUNNING, then FINISHED, STOPPED or FAILED with the error), experiment.yaml, the
 * artifacts, and the end of the MLflow run (FAILED with gx.error). A run the user asked to stop ends STOPPED
 * (KILLED in MLflow); the outcome goes in the run context. Listed last: the run ends after everything else.
 */
export function runRecord(options: RunRecordOptions): Callback {
  const { runId, runName, runDir, experiment, backend, tracker, warn, data } = options;
  const record = {
    id: runId,
    name: experiment.name,
    runName,
    backend,
    ...(backend === 'tensorflow' && { backendLibrary: describeNative() }),
    gx: gxVersion,
    node: process.version,
    started: new Date().toISOString(),
    tracking: { store: tracker.store, runId: tracker.runId, experimentId: tracker.experimentId },
  };
  const write = (fields: object) =>
    writeFileAtomic(join(runDir, 'run.json'), JSON.stringify({ ...record, ...fields }, null, 2));

  const syncTracking = () => {
    record.tracking.runId = tracker.runId;
    record.tracking.experimentId = tracker.experimentId;
  };
  return {
    async onRunStart() {
      await write({ status: 'RUNNING' });
      // Written on a resume too: it may go on to another --max-steps.
      await writeFileAtomic(
        join(runDir, 'experiment.yaml'),
        `# Resolved by gx ${gxVersion}: every default filled in.\n${stringify(shareable(experiment))}`,
      );
    },
    async onRunEnd(context) {
      for (const artifact of ['experiment.yaml', 'model', 'checkpoint'])
        await tracker.logArtifact(join(runDir, artifact));
      // The generator also as an MLflow 3 LoggedModel: the runs table's Models column, with the run's settings,
      // its final metrics and the data it was trained on.
      const dataset = data && describeDataset(data);
      await tracker.logModel(join(runDir, 'model'), {
        name: modelName(runName),
        modelType: 'tfjs-layers',
        step: context.state.step,
        params: experimentParams(experiment),
        metrics: context.latestPoints(),
        ...(dataset && { dataset: { name: dataset.name, digest: dataset.digest } }),
      });
      const status = context.stopRequested() ? 'STOPPED' : 'FINISHED';
      await tracker.end(status === 'STOPPED' ? 'KILLED' : 'FINISHED');
      syncTracking();
      await write({ status, finished: new Date().toISOString(), state: context.state });
      context.outcome = status;
    },
    async onRunFailed({ state }, { error }) {
      const message = (describeSystemError(error) ?? (error as Error)).message;
      await bestEffort(warn, 'record the error in MLflow', () => tracker.setTags({ 'gx.error': message }));
      await bestEffort(warn, 'mark the MLflow run FAILED', () => tracker.end('FAILED'));
      syncTracking();
      await bestEffort(warn, 'write run.json', () => write({ status: 'FAILED', error: message, state }));
    },
  };
}

/**
 * The LoggedModel's name, which says whose generator it is (`generator of loss=lsgan`): MLflow refuses / : . % and
 * quotes in a model name, so a decimal point becomes a comma (`lr=0,0002`) and the others a dash.
 */
export function modelName(runName: string): string {
  return `generator of ${runName}`.replaceAll('.', ',').replace(/[/:%"']/g, '-');
}

import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { stringify } from 'yaml';
import { shareable } from '../config/shareable.js';
import { stopOnSignal } from '../core/stop-on-signal.js';
import { GxError } from '../errors.js';
import { type RunOptions, resumeRun, runExperiment } from '../runner/run.js';
import { newRunId, runsDir } from '../runner/run-folder/folder.js';
import { trackingStore } from '../tracking/open.js';
import { takeOverServerRun } from '../tracking/server-run-takeover.js';
import { trialRun } from './trial-executor.js';
import { type TrialJob, trialJobId } from './trial-job.js';
import { replyFailure, replyResult } from './trial-reply.js';

/**
 * A queued trial in a process of its own, forked by a worker (crash isolation, as trial-process.ts for a local
 * sweep). Its MLflow run is named by the job (gx.run_uid): when an earlier attempt made it, on whatever machine, this
 * process takes it over from the server (its latest checkpoint snapshot and the steps it holds) and continues it;
 * else it starts it. The first SIGINT stops after the current step with a checkpoint (exit 130). When the worker
 * dies the process goes too: the job goes to another worker, which takes the run over.
 */
process.once('message', async (job: TrialJob) => {
  process.once('disconnect', () => process.exit(1));
  const stop = stopOnSignal();
  const uid = trialJobId(job.sweepId, job.trial.index);
  const { experiment } = job;
  const { runName, tags } = trialRun({ ...job, run: { experiment } }, experiment);
  const options: RunOptions = {
    backend: job.backend,
    maxSteps: job.maxSteps,
    runName,
    tags: { ...tags, 'gx.run_uid': uid },
    shouldStop: () => stop.aborted,
    stop,
  };
  try {
    const store = trackingStore(experiment.tracking);
    if (store.kind !== 'server')
      throw new GxError('QUEUE_NEEDS_SERVER', 'a queued trial records into an MLflow server');
    const runDir = join(runsDir(), newRunId(experiment.name));
    const mlflowExperiment = experiment.tracking.experiment ?? experiment.name;
    const found = await takeOverServerRun(
      store,
      { experiment: mlflowExperiment, uid },
      join(runDir, 'mlflow'),
      join(runDir, 'checkpoint'),
    );
    let result: Awaited<ReturnType<typeof runExperiment>>;
    if (!found)
      result = await runExperiment(experiment, { ...options, runsDir: runsDir(), queued: { fromStart: false } });
    else {
      // The run folder resumeRun reads: the experiment, and the server's run as this machine's record of it.
      await mkdir(runDir, { recursive: true });
      await writeFile(join(runDir, 'experiment.yaml'), stringify(shareable(experiment)));
      const tracking = { store: store.uri, runId: found.runId, experimentId: found.experimentId };
      const record = { id: basename(runDir), name: experiment.name, runName: found.runName, tracking };
      await writeFile(join(runDir, 'run.json'), JSON.stringify(record, null, 2));
      process.stderr.write(
        `gx: taking over MLflow run ${found.runId}${found.checkpoint ? ` from its checkpoint at step ${found.checkpoint.step}` : ', from the start'}\n`,
      );
      result = await resumeRun(runDir, { ...options, queued: { fromStart: !found.checkpoint } });
    }
    replyResult(result);
  } catch (thrown) {
    replyFailure(thrown);
  }
});

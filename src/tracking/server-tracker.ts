import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GxError } from '../errors.js';
import { assertMlflowKey } from '../mlflow-names.js';
import { type Login, withoutCredentials } from '../uri-credentials.js';
import { sendDataset, sendModel, uploadPath } from './inputs-outputs.js';
import { type Entry, logBatches, tagList } from './log-batch.js';
import { MlflowError } from './mlflow-error.js';
import { connectMlflow, type MlflowHttp } from './mlflow-http.js';
import type { CallOptions } from './mlflow-retry.js';
import { type Operation, Outbox, REJECTED_FILE, type ServerRun } from './outbox.js';
import { LOGGED_IMAGES_TAG, stepImageFiles } from './step-images.js';
import type { Tracker } from './tracker.js';
import { EXPERIMENT_KIND_TAG } from './ui-links.js';

/** Retries of a request sent while training: an outage is noticed within seconds, and retried every 10 s. */
const BACKGROUND_RETRIES = 2;
/** How long the server gets to create the run; then gx trains anyway and the record waits on disk. */
const CREATE_PATIENCE_MS = 10_000;
/** At the end, gx stops waiting when the server has taken nothing for this long; the rest waits for `gx sync`. */
const END_PATIENCE_MS = 20_000;
/** A run the user stopped (KILLED: Ctrl-C, SIGTERM) ends within seconds, whatever the server does. */
const STOP_PATIENCE_MS = 3_000;

export interface NewServerRun {
  /** The server; a login in it is used to sign in, never stored. */
  uri: string;
  /** A login taken out of the URI by the caller. */
  login?: Login;
  experiment: string;
  runName: string;
  tags: Record<string, string>;
  /** Aborted when the user asks the run to stop: gx then stops waiting for the server to create the run. */
  stop?: AbortSignal;
}

/** Where a tracker says what happens to the record: the server away, back, or left on disk. */
export type Warn = (line: string) => void;

/**
 * Starts a run on an MLflow server, its record journaled in `folder` (see outbox.ts) and sent in the background.
 * A server that cannot be reached does not stop the run: the record waits on disk. A server that answers no (wrong
 * credentials, not an MLflow server, no artifact proxy) does, before anything is trained.
 */
export async function createServerRun(folder: string, run: NewServerRun, warn: Warn): Promise<Tracker> {
  for (const key of Object.keys(run.tags)) assertMlflowKey(key, 'tag');
  const outbox = Outbox.open(folder);
  const uid = randomUUID();
  outbox.add({
    op: 'start',
    uri: withoutCredentials(run.uri),
    experiment: run.experiment,
    runName: run.runName,
    startTime: Date.now(),
    uid,
    tags: { ...run.tags, 'mlflow.runName': run.runName, 'gx.run_uid': uid },
  });
  return serverTracker(outbox, run.uri, warn, run.login, run.stop);
}

/** Reopens a server run journaled in `folder`, to resume it: RUNNING again, its unsent record sent first. */
export async function reopenServerRun(folder: string, warn: Warn): Promise<Tracker> {
  const outbox = Outbox.open(folder);
  const start = outbox.start;
  if (!start) throw new GxError('TRACKING_RUN_NOT_FOUND', `no MLflow record in ${folder}`, 'start a new run');
  outbox.add({ op: 'resume' });
  return serverTracker(outbox, start.uri, warn);
}

/**
 * Sends what a run journaled in `folder` has not sent yet (`gx sync`); nothing when it is up to date. Records the
 * server refuses are set aside (`rejected`: how many this time, in `rejectedFile`) and the rest is sent.
 */
export async function syncServerRun(folder: string) {
  const outbox = Outbox.open(folder);
  const start = outbox.start;
  if (!start) throw new GxError('TRACKING_RUN_NOT_FOUND', `no MLflow record in ${folder}`, 'is it a gx run folder?');
  const count = outbox.unsent.length;
  const before = outbox.rejected;
  if (count > 0) {
    const http = connectMlflow(start.uri);
    try {
      await deliver(outbox, http);
    } finally {
      await http.close();
    }
  }
  const rejected = outbox.rejected - before;
  // (A record journaled before gx kept logins out of it may still hold one: shown without it all the same.)
  const uri = withoutCredentials(start.uri);
  return { uri, runId: outbox.run?.runId, sent: count, rejected, rejectedFile: rejectedFile(outbox) };
}

/** What a run's record says when the server refused some of it. */
export function rejectedLine(count: number, file: string): string {
  return `${count} record${count === 1 ? '' : 's'} refused by the MLflow server and set aside in ${file} (each with the server's error); the rest was sent`;
}

function rejectedFile(outbox: Outbox): string {
  return join(outbox.folder, REJECTED_FILE);
}

async function serverTracker(
  outbox: Outbox,
  uri: string,
  warn: Warn,
  login?: Login,
  stop?: AbortSignal,
): Promise<Tracker> {
  const http = connectMlflow(uri, process.env, login);
  const runDir = dirname(outbox.folder);
  const rejectedBefore = outbox.rejected;
  let sending: Promise<void> | undefined;
  let away = false; // the server could not be reached: the record waits on disk
  let refused: Error | undefined; // the server said no: nothing more is sent until `gx sync`
  let retry: NodeJS.Timeout | undefined;
  let ending = false;
  // Ends the background round in flight when the run ends: the end has its own, bounded, round.
  const background = new AbortController();
  let imagesTagged = false;

  const onFailure = (error: unknown) => {
    if (ending) return;
    if (!(error instanceof MlflowError && error.transient)) {
      refused = error as Error;
      warn(`${refused.message}; the record stays in ${outbox.folder}, \`gx sync ${runDir}\` sends it`);
      return;
    }
    if (!away) warn(`${error.message}; training goes on, the record waits in ${outbox.folder} until it is back`);
    away = true;
    retry = setTimeout(send, 10_000).unref();
  };
  function send(): Promise<void> {
    if (sending || refused || outbox.unsent.length === 0) return sending ?? Promise.resolve();
    clearTimeout(retry);
    // A few quick retries, then again every 10 s for as long as the run lasts; the full patience is for the end.
    sending = deliver(outbox, http, { retries: BACKGROUND_RETRIES, signal: background.signal })
      .then(() => {
        if (away) warn(`MLflow server at ${http.uri} is back: the run's record is up to date`);
        away = false;
      }, onFailure)
      .finally(() => {
        sending = undefined;
      });
    return sending;
  }
  const add = (operation: Operation) => {
    outbox.add(operation);
    if (!away) void send();
  };

  // The run is created now, so that a server saying no stops gx before it trains; one that does not answer soon
  // (or a user who stops the run meanwhile) does not hold training back: the record waits on disk.
  const creation = AbortSignal.any([AbortSignal.timeout(CREATE_PATIENCE_MS), ...(stop ? [stop] : [])]);
  await deliver(outbox, http, { retries: BACKGROUND_RETRIES, signal: creation }).catch((error) => {
    if (error instanceof MlflowError && error.transient) return onFailure(error);
    void http.close();
    throw error;
  });

  return {
    store: uri,
    get runId() {
      return outbox.run?.runId;
    },
    get experimentId() {
      const run = outbox.run;
      return run && (run.experimentId ?? run.artifactRoot.split('/')[0]);
    },
    // Keys are checked before they are journaled: a key the server refuses must not reach the outbox.
    async logParams(values) {
      for (const key of Object.keys(values)) assertMlflowKey(key, 'param');
      add({ op: 'params', values });
    },
    async setTags(values) {
      for (const key of Object.keys(values)) assertMlflowKey(key, 'tag');
      add({ op: 'tags', values });
    },
    async logMetrics(points) {
      for (const { key } of points) assertMlflowKey(key, 'metric');
      if (points.length > 0) add({ op: 'metrics', points });
    },
    async logArtifact(path, artifactPath = '') {
      add({ op: 'artifact', path, artifactPath });
    },
    async logImage(key, step, image) {
      assertMlflowKey(key, 'metric');
      const folder = join(outbox.folder, 'images');
      mkdirSync(folder, { recursive: true });
      for (const { name, bytes } of await stepImageFiles(key, step, image)) {
        writeFileSync(join(folder, name), bytes);
        add({ op: 'artifact', path: join(folder, name), artifactPath: 'images' });
      }
      if (!imagesTagged) add({ op: 'tags', values: { [LOGGED_IMAGES_TAG]: 'True' } });
      imagesTagged = true;
    },
    async logDataset(dataset) {
      add({ op: 'dataset', dataset });
    },
    async logModel(path, model) {
      add({ op: 'model', path, model, uid: randomUUID() });
    },
    async end(status) {
      outbox.add({ op: 'end', status, endTime: Date.now() });
      ending = true;
      clearTimeout(retry);
      background.abort();
      await sending;
      // One more round of retries before the record is left on disk, for as long as the server makes progress;
      // a few seconds when the user stopped the run.
      let reason = refused?.message;
      if (!refused) {
        const patience = idlePatience(status === 'KILLED' ? STOP_PATIENCE_MS : END_PATIENCE_MS);
        await deliver(outbox, http, { signal: patience.signal }, patience.progress)
          .catch((error: Error) => (reason = error.message))
          .finally(patience.done);
      }
      await http.close();
      const rejected = outbox.rejected - rejectedBefore;
      if (rejected > 0) warn(rejectedLine(rejected, rejectedFile(outbox)));
      const left = outbox.unsent.length;
      if (left > 0) warn(`${reason}: ${left} records kept in ${outbox.folder}; \`gx sync ${runDir}\` sends them`);
      else if (away) warn(`MLflow server at ${http.uri} is back: the run's record is complete`);
    },
  };
}

/** An AbortSignal that fires once `ms` pass without a call to `progress`. */
function idlePatience(ms: number) {
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), ms);
  return {
    signal: controller.signal,
    progress() {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(), ms);
    },
    done: () => clearTimeout(timer),
  };
}

/**
 * Sends the outbox's unsent operations in order, acknowledging each once the server has it. A record the server
 * refuses is set aside with its error (rejected.jsonl) and the rest goes on; the creation of the run is never set
 * aside (without it nothing can be sent).
 */
async function deliver(outbox: Outbox, http: MlflowHttp, options: CallOptions = {}, progress = () => {}) {
  while (outbox.unsent.length > 0) {
    const { operation } = outbox.unsent[0];
    if (operation.op === 'start') {
      outbox.acknowledge(1, await createRun(http, operation, options));
      progress();
      continue;
    }
    const run = outbox.run;
    if (!run) throw new Error('outbox: an operation before the run was started');
    if (operation.op === 'params' || operation.op === 'tags' || operation.op === 'metrics') {
      await sendData(outbox, http, run.runId, options);
      progress();
      continue;
    }
    try {
      if (operation.op === 'resume' || operation.op === 'end') {
        const update = operation.op === 'end' ? { status: operation.status, end_time: operation.endTime } : {};
        await http.call('POST', 'runs/update', { run_id: run.runId, status: 'RUNNING', ...update }, options);
      } else if (operation.op === 'dataset') {
        await sendDataset(http, run, operation, options);
      } else if (operation.op === 'model') {
        await sendModel(http, run, operation, options);
      } else {
        await uploadPath(http, join(run.artifactRoot, operation.artifactPath), operation.path, options);
      }
    } catch (error) {
      if (!(error instanceof MlflowError && error.rejectsRecord)) throw error;
      outbox.setAside([{ operation }], error.message);
    }
    outbox.acknowledge(1);
    progress();
  }
}

/**
 * Sends the run of params, tags and metrics at the head of the outbox as log-batch requests within the limits. A
 * batch the server refuses is sent again in halves, down to the entries it refuses: those are set aside.
 */
async function sendData(outbox: Outbox, http: MlflowHttp, runId: string, options: CallOptions) {
  const entries: Entry[] = [];
  const ends: number[] = []; // entries.length after each operation
  for (const { operation } of outbox.unsent) {
    if (operation.op === 'params' || operation.op === 'tags') {
      const kind = operation.op === 'params' ? 'param' : 'tag';
      for (const [key, value] of Object.entries(operation.values)) entries.push({ kind, key, value });
    } else if (operation.op === 'metrics') {
      for (const point of operation.points) entries.push({ kind: 'metric', point });
    } else break;
    ends.push(entries.length);
  }
  let sent = 0;
  let acknowledged = 0;
  for (const { batch, count } of logBatches(entries)) {
    try {
      await http.call('POST', 'runs/log-batch', { run_id: runId, ...batch }, options);
    } catch (error) {
      if (!(error instanceof MlflowError && error.rejectsRecord)) throw error;
      await sendInHalves(outbox, http, runId, entries.slice(sent, sent + count), options);
    }
    sent += count;
    const done = ends.filter((end) => end <= sent).length;
    outbox.acknowledge(done - acknowledged);
    acknowledged = done;
  }
  outbox.acknowledge(ends.length - acknowledged); // operations with nothing in them
}

async function sendInHalves(outbox: Outbox, http: MlflowHttp, runId: string, entries: Entry[], options: CallOptions) {
  try {
    for (const { batch } of logBatches(entries))
      await http.call('POST', 'runs/log-batch', { run_id: runId, ...batch }, options);
  } catch (error) {
    if (!(error instanceof MlflowError && error.rejectsRecord)) throw error;
    if (entries.length === 1) return outbox.setAside([{ entry: entries[0] }], error.message);
    const half = Math.ceil(entries.length / 2);
    await sendInHalves(outbox, http, runId, entries.slice(0, half), options);
    await sendInHalves(outbox, http, runId, entries.slice(half), options);
  }
}

/** Finds the run a start operation created (its answer may have been lost), or creates it. */
async function createRun(
  http: MlflowHttp,
  start: Extract<Operation, { op: 'start' }>,
  options: CallOptions,
): Promise<ServerRun> {
  const experimentId = await experimentIdFor(http, start.experiment, options);
  type Run = { info: { run_id: string; artifact_uri: string } };
  const found = await http.call<{ runs?: Run[] }>(
    'POST',
    'runs/search',
    { experiment_ids: [experimentId], filter: `tags.\`gx.run_uid\` = '${start.uid}'`, max_results: 1 },
    options,
  );
  const run =
    found.runs?.[0] ??
    (
      await http.call<{ run: Run }>(
        'POST',
        'runs/create',
        {
          experiment_id: experimentId,
          run_name: start.runName,
          start_time: start.startTime,
          tags: tagList(start.tags),
        },
        options,
      )
    ).run;
  // The proxy's address for the run's artifacts: mlflow-artifacts:/<experiment>/<run>/artifacts (or with a host).
  const artifactUri = run.info.artifact_uri;
  if (!artifactUri.startsWith('mlflow-artifacts:')) {
    throw new MlflowError(
      `MLflow server at ${http.uri} does not proxy artifacts (the run's artifact URI is ${artifactUri})`,
      'start it with artifact serving (the default of `mlflow server`; give --artifacts-destination)',
      400,
    );
  }
  return {
    runId: run.info.run_id,
    experimentId,
    artifactRoot: new URL(artifactUri).pathname.replace(/^\/+/, ''),
  };
}

/** The id of the experiment named `name`, created when missing; two gx creating it at once both get it. */
async function experimentIdFor(http: MlflowHttp, name: string, options: CallOptions): Promise<string> {
  type Found = { experiment: { experiment_id: string; lifecycle_stage: string } };
  for (let attempt = 0; ; attempt++) {
    try {
      const { experiment } = await http.call<Found>(
        'GET',
        'experiments/get-by-name',
        { experiment_name: name },
        options,
      );
      if (experiment.lifecycle_stage === 'deleted') {
        throw new GxError(
          'TRACKING_EXPERIMENT_DELETED',
          `MLflow experiment "${name}" is deleted on ${http.uri}`,
          'restore it in the MLflow UI, or set tracking.experiment to another name',
        );
      }
      return experiment.experiment_id;
    } catch (error) {
      if (!(error instanceof MlflowError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST')) throw error;
    }
    try {
      const tags = [EXPERIMENT_KIND_TAG];
      return (await http.call<{ experiment_id: string }>('POST', 'experiments/create', { name, tags }, options))
        .experiment_id;
    } catch (error) {
      // Created by someone else meanwhile: get it again.
      if (!(error instanceof MlflowError && error.errorCode === 'RESOURCE_ALREADY_EXISTS') || attempt > 0) throw error;
    }
  }
}

import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GxError } from '../errors.js';
import { assertMlflowKey } from '../mlflow-names.js';
import { type Login, withoutCredentials } from '../uri-credentials.js';
import { BackgroundDelivery } from './background-delivery.js';
import { deliver } from './delivery.js';
import { connectMlflow } from './mlflow-http.js';
import { type Operation, Outbox, REJECTED_FILE } from './outbox.js';
import { LOGGED_IMAGES_TAG, stepImageFiles } from './step-images.js';
import type { Tracker } from './tracker.js';

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
  // A caller may name the run itself (a queued trial, whatever machine runs it): a retry finds the same run.
  const uid = run.tags['gx.run_uid'] ?? randomUUID();
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

/** The tracker of a journaled server run: each call journals a record, which the background delivery sends. */
async function serverTracker(
  outbox: Outbox,
  uri: string,
  warn: Warn,
  login?: Login,
  stop?: AbortSignal,
): Promise<Tracker> {
  const http = connectMlflow(uri, process.env, login, warn);
  const rejectedBefore = outbox.rejected;
  const delivery = new BackgroundDelivery(outbox, http, warn);
  const add = (operation: Operation) => delivery.add(operation);
  let imagesTagged = false;
  await delivery.start(stop).catch((error) => {
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
      // A few seconds when the user stopped the run.
      const { reason, wasAway } = await delivery.finish(status === 'KILLED' ? STOP_PATIENCE_MS : END_PATIENCE_MS);
      await http.close();
      const rejected = outbox.rejected - rejectedBefore;
      if (rejected > 0) warn(rejectedLine(rejected, rejectedFile(outbox)));
      const left = outbox.unsent.length;
      const runDir = dirname(outbox.folder);
      if (left > 0) warn(`${reason}: ${left} records kept in ${outbox.folder}; \`gx sync ${runDir}\` sends them`);
      else if (wasAway) warn(`MLflow server at ${http.uri} is back: the run's record is complete`);
    },
  };
}

import { userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TrackingConfig } from '../config/experiment.js';
import { GxError } from '../errors.js';
import { type Login, normalisedUri, splitLogin } from '../uri-credentials.js';
import { gitTags } from './git-tags.js';
import { createLocalRun, reopenLocalRun } from './local-store.js';
import { createServerRun, reopenServerRun, type Warn } from './server-tracker.js';
import type { Tracker } from './tracker.js';

/**
 * Where runs are recorded: an MLflow server, or MLflow's file store on disk (./mlruns when nothing is set). A
 * server's `uri` never holds a login: one given in the URI is kept apart, in `login`, to sign in with.
 */
export type TrackingStore = { kind: 'server'; uri: string; login?: Login } | { kind: 'local'; folder: string };

/** Where a run was recorded: a store, or none (tracking.enabled: false). */
export type RecordedStore = TrackingStore | { kind: 'none' };

/** What run.json's tracking.store says for a run with tracking.enabled: false. */
const UNTRACKED = 'none';

export function trackingStore(tracking: TrackingConfig = {}): TrackingStore {
  // Spaces around the URI are the URL parser's to drop, not part of a folder's name (` http://...` is a server).
  const text = normalisedUri(tracking.uri ?? process.env.MLFLOW_TRACKING_URI ?? '');
  if (text === '') return { kind: 'local', folder: 'mlruns' };
  if (/^file:/i.test(text)) return { kind: 'local', folder: fileURLToPath(text) };
  // Anything else with a scheme is for the server client, which says what is wrong with it.
  if (/^[a-z][a-z0-9+.-]*:/i.test(text) && !/^[a-z]:[\\/]/i.test(text)) {
    const { uri, login } = splitLogin(text);
    if (uri.includes('@') && !URL.canParse(uri)) throw loginNotStripped();
    return { kind: 'server', uri, login };
  }
  return { kind: 'local', folder: text };
}

/** A URI no parser reads that may still hold a login: refused without showing it. */
function loginNotStripped(): GxError {
  return new GxError(
    'TRACKING_URI_INVALID',
    'tracking URI is not a URL, and is not shown: it may hold a login',
    'use http(s)://host:port of an MLflow server (a login goes in MLFLOW_TRACKING_USERNAME and _PASSWORD)',
  );
}

export interface NewRun {
  experiment: string;
  runName: string;
  tags: Record<string, string>;
  /** The run's own folder: a server run journals its record there (mlflow/) until the server has it. */
  folder: string;
  /** Aborted when the user asks the run to stop: no more waiting for a server to create the run. */
  stop?: AbortSignal;
}

export async function startTracking(tracking: TrackingConfig, run: NewRun, warn: Warn): Promise<Tracker> {
  if (tracking.enabled === false) return untracked;
  const store = trackingStore(tracking);
  const tags = { 'mlflow.user': userInfo().username, 'mlflow.source.type': 'LOCAL', ...gitTags(), ...run.tags };
  return store.kind === 'server'
    ? createServerRun(join(run.folder, 'mlflow'), { uri: store.uri, login: store.login, ...run, tags }, warn)
    : createLocalRun(store.folder, { ...run, tags });
}

/** The store a run folder's run.json names in tracking.store: a server's URL, a local folder, or none. */
export function recordedStore(store: string): RecordedStore {
  return store === UNTRACKED ? { kind: 'none' } : trackingStore({ uri: store });
}

/** Reopens the run a run folder was recorded in (its run.json's `tracking`), to resume it. */
export async function resumeTracking(recorded: { store: string; runId?: string }, folder: string, warn: Warn) {
  const store = recordedStore(recorded.store);
  if (store.kind === 'none') return untracked;
  return store.kind === 'server'
    ? reopenServerRun(join(folder, 'mlflow'), warn)
    : reopenLocalRun(recorded.store, recorded.runId ?? '');
}

/** A run with tracking turned off (tracking.enabled: false): nothing is recorded beyond the run folder. */
const untracked: Tracker = {
  store: UNTRACKED,
  runId: undefined,
  experimentId: undefined,
  logParams: async () => {},
  setTags: async () => {},
  logMetrics: async () => {},
  logArtifact: async () => {},
  logImage: async () => {},
  logDataset: async () => {},
  logModel: async () => {},
  end: async () => {},
};

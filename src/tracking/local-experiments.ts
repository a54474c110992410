import { mkdir, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { parse, stringify } from 'yaml';
import { writeFileAtomic } from '../atomic-files.js';
import { GxError } from '../errors.js';
import { EXPERIMENT_KIND_TAG } from './ui-links.js';

/** What gx reads of an experiment's meta.yaml in MLflow's file store. */
export interface ExperimentMeta {
  name?: string;
  lifecycle_stage?: string;
}

/** The id of the experiment named `name`, created (as MLflow's file store would) when there is none. */
export async function experimentIdFor(root: string, name: string): Promise<string> {
  await mkdir(root, { recursive: true });
  const found = await findExperiment(root, name);
  if (found !== undefined) return found;
  // Looking for the name and taking the next id is one step for every gx on this store: otherwise two new
  // experiments could get one id, or one name two ids.
  return withCreationLock(root, async () => {
    const again = await findExperiment(root, name);
    if (again !== undefined) return again;
    // Ids are strings of digits, MLflow's own 18 long: too big for a JS number.
    let id = (await experimentIds(root)).reduce((max, id) => (BigInt(id) > max ? BigInt(id) : max), 0n) + 1n;
    // The folder is the claim: mkdir fails if something that does not take the lock (MLflow) made it meanwhile.
    while (
      !(await mkdir(join(root, String(id))).then(
        () => true,
        (error) => ignore(error, 'EEXIST'),
      ))
    )
      id++;
    const now = Date.now();
    const meta = {
      artifact_location: pathToFileURL(join(root, String(id))).href,
      creation_time: now,
      experiment_id: String(id),
      last_update_time: now,
      lifecycle_stage: 'active',
      name,
    };
    await writeFileAtomic(join(root, String(id), 'meta.yaml'), stringify(meta));
    await mkdir(join(root, String(id), 'tags'));
    const tag = join(root, String(id), 'tags', EXPERIMENT_KIND_TAG.key);
    await writeFileAtomic(tag, EXPERIMENT_KIND_TAG.value, join(root, String(id)));
    return String(id);
  });
}

async function experimentIds(root: string): Promise<string[]> {
  return (await readdir(root)).filter((entry) => /^\d+$/.test(entry));
}

/**
 * The id of the experiment named `name`, for reading: undefined when there is none, or when it is deleted (MLflow
 * keeps a deleted experiment's folder until it is purged).
 */
export async function findExperimentId(root: string, name: string): Promise<string | undefined> {
  const id = await findExperiment(root, name).catch(() => undefined); // a store not made yet has none
  return id !== undefined && (await experimentMeta(root, id))?.lifecycle_stage !== 'deleted' ? id : undefined;
}

/** The experiment named `name`, deleted or not: a new one may not take its name. */
async function findExperiment(root: string, name: string): Promise<string | undefined> {
  for (const id of await experimentIds(root)) if ((await experimentMeta(root, id))?.name === name) return id;
  return undefined;
}

/** An experiment's meta.yaml; undefined when it has none. */
export async function experimentMeta(root: string, id: string): Promise<ExperimentMeta | undefined> {
  const text = await readFile(join(root, id, 'meta.yaml'), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : (parse(text) ?? undefined);
}

/** A lock file beside the experiments (MLflow lists only folders there), held for the few ms a creation takes. */
const LOCK_FILE = '.gx-create-experiment.lock';
/** A lock older than this was left by a process that died while it held it. */
const STALE_LOCK_MS = 10_000;

async function withCreationLock<T>(root: string, create: () => Promise<T>): Promise<T> {
  const lock = join(root, LOCK_FILE);
  for (const deadline = Date.now() + 60_000; ; ) {
    const taken = await open(lock, 'wx').then(
      (file) => file.close().then(() => true),
      (error) => ignore(error, 'EEXIST'),
    );
    if (taken) break;
    const since = await stat(lock).then(
      (found) => Date.now() - found.mtimeMs,
      () => 0,
    );
    if (since > STALE_LOCK_MS) await rm(lock, { force: true });
    else if (Date.now() > deadline) {
      throw new GxError(
        'TRACKING_STORE_LOCKED',
        `${lock} has been held for a minute`,
        'if no other gx is creating an experiment in this store, remove the file',
      );
    } else await sleep(5 + Math.random() * 20);
  }
  try {
    return await create();
  } finally {
    await rm(lock, { force: true });
  }
}

/** false for the error `code` expected, which the caller handles; any other error is thrown. */
function ignore(error: unknown, code: string): false {
  if ((error as NodeJS.ErrnoException).code === code) return false;
  throw error;
}

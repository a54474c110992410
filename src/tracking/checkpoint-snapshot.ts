import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { GxError } from '../errors.js';
import type { Tracker } from './tracker.js';

/** The tag naming a run's latest complete checkpoint snapshot (`step-000040`): set only after its files are sent. */
export const LATEST_CHECKPOINT_TAG = 'gx.checkpoint.latest';
/** Where the snapshots go among the run's artifacts: checkpoints/step-NNNNNN/, each with its manifest. */
export const SNAPSHOTS_PATH = 'checkpoints';
const MANIFEST = 'snapshot.json';

/** What a snapshot holds: its step, and each file with its size and SHA-256 (checked when it is restored). */
export interface SnapshotManifest {
  step: number;
  files: { path: string; bytes: number; sha256: string }[];
}

export function snapshotName(step: number): string {
  return `step-${String(step).padStart(6, '0')}`;
}

/**
 * Sends a checkpoint to the run's artifacts as an immutable snapshot, then tags the run with its name. The files are
 * copied first (the checkpoint folder is replaced by the next one while the upload may still wait), and the tag is
 * journaled after them: the tracker sends in order, so the tag never names a snapshot the server does not hold.
 */
export async function snapshotCheckpoint(tracker: Tracker, checkpointDir: string, step: number, stagingDir: string) {
  const name = snapshotName(step);
  const folder = join(stagingDir, name);
  await rm(folder, { recursive: true, force: true });
  await cp(checkpointDir, folder, { recursive: true });
  const files: SnapshotManifest['files'] = [];
  for (const path of await filesIn(folder)) {
    const bytes = await readFile(join(folder, path));
    files.push({ path, bytes: bytes.length, sha256: sha256(bytes) });
  }
  await writeFile(join(folder, MANIFEST), JSON.stringify({ step, files } satisfies SnapshotManifest, null, 2));
  await tracker.logArtifact(folder, SNAPSHOTS_PATH);
  await tracker.setTags({ [LATEST_CHECKPOINT_TAG]: name });
}

/**
 * Writes a snapshot back as a checkpoint folder, `read` giving an artifact's bytes by its path. Every file is checked
 * against the manifest: a snapshot cut short or altered is refused, never trained from.
 */
export async function restoreSnapshot(
  name: string,
  read: (path: string) => Promise<Uint8Array>,
  checkpointDir: string,
): Promise<SnapshotManifest> {
  const base = `${SNAPSHOTS_PATH}/${name}`;
  const manifest = JSON.parse(Buffer.from(await read(`${base}/${MANIFEST}`)).toString('utf8')) as SnapshotManifest;
  await rm(checkpointDir, { recursive: true, force: true });
  for (const file of manifest.files) {
    const bytes = await read(`${base}/${file.path}`);
    if (bytes.length !== file.bytes || sha256(bytes) !== file.sha256) {
      throw new GxError(
        'CHECKPOINT_SNAPSHOT_DAMAGED',
        `the checkpoint snapshot ${base}/${file.path} does not match its manifest`,
        'the trial cannot resume from it; remove the gx.checkpoint.latest tag of its run to start it over',
      );
    }
    await mkdir(dirname(join(checkpointDir, file.path)), { recursive: true });
    await writeFile(join(checkpointDir, file.path), bytes);
  }
  return manifest;
}

async function filesIn(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(folder, join(entry.parentPath, entry.name)));
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

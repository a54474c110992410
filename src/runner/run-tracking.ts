import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseDocument, stringify } from 'yaml';
import { describeNative } from '../backend/select.js';
import type { ResolvedExperiment } from '../config/experiment.js';
import { shareable } from '../config/shareable.js';
import { GxError } from '../errors.js';
import { resumeTracking, startTracking, trackingStore } from '../tracking/open.js';
import type { Tracker } from '../tracking/tracker.js';
import { gxVersion } from '../version.js';

/** What names a run and says how to reach its user. */
export interface RunIdentity {
  /** The experiment as it runs (--max-steps applied): the run page's note shows it. */
  experiment: ResolvedExperiment;
  runId: string;
  /** The MLflow run's name: tracking.run_name, else what the caller named it (see config/settings.ts). */
  runName: string;
  /** Bookkeeping tags from the caller (a sweep's: gx.sweep, gx.trial, mlflow.parentRunId). */
  tags: Record<string, string>;
  runDir: string;
  backend: string;
  warn: (line: string) => void;
}

/** Starts the run's tracking record, or reopens it to resume; refused before anything was trained. */
export async function openTracking(
  run: RunIdentity,
  previousTracking?: { store: string; runId?: string },
  stop?: AbortSignal,
): Promise<Tracker> {
  const { experiment, runDir, backend, warn } = run;
  try {
    if (previousTracking) {
      const tracker = await resumeTracking(previousTracking, runDir, warn);
      // A resume may go on to another --max-steps: the note shows the experiment as it now runs.
      await tracker.setTags({ 'mlflow.note.content': note(shareable(experiment)) });
      return tracker;
    }
    return await startTracking(
      experiment.tracking,
      {
        experiment: experiment.tracking.experiment ?? experiment.name,
        runName: run.runName,
        tags: { ...systemTags(shareable(experiment), runDir, backend), ...run.tags },
        folder: runDir,
        stop,
      },
      warn,
    );
  } catch (error) {
    // Refused before anything was trained (a bad URI, wrong credentials, a broken store); execute() removes the
    // folder of a new run.
    const store = trackingStore(experiment.tracking);
    if ((error as Error).name === 'YAMLParseError' && store.kind === 'local') {
      const broken = (await brokenMetaFile(resolve(store.folder))) ?? `a meta.yaml in ${resolve(store.folder)}`;
      throw new GxError(
        'TRACKING_STORE_BROKEN',
        `${broken}: not valid YAML (${(error as Error).message.split('\n')[0]})`,
        'repair it, or move its folder out of the MLflow store (MLflow cannot read it either)',
      );
    }
    throw error;
  }
}

/** The first meta.yaml of a local MLflow store (an experiment's or a run's) that is not valid YAML. */
async function brokenMetaFile(store: string): Promise<string | undefined> {
  for (const id of await readdir(store).catch(() => [])) {
    const runs = await readdir(join(store, id)).catch(() => []);
    for (const meta of [join(store, id, 'meta.yaml'), ...runs.map((run) => join(store, id, run, 'meta.yaml'))]) {
      const text = await readFile(meta, 'utf8').catch(() => undefined);
      if (text !== undefined && parseDocument(text).errors.length > 0) return meta;
    }
  }
  return undefined;
}

/** The tags MLflow's UI shows for a run, and gx's own. */
function systemTags(experiment: ResolvedExperiment, runDir: string, backend: string): Record<string, string> {
  return {
    'mlflow.source.name': `gx run ${experiment.name}`,
    'mlflow.note.content': note(experiment),
    'gx.version': gxVersion,
    'gx.backend': backend,
    ...(backend === 'tensorflow' && { 'gx.backend.library': describeNative() }),
    'gx.node': process.version,
    'gx.run_dir': runDir,
    ...experiment.tracking.tags,
  };
}

/** The run page shows this note: the experiment's description and the whole resolved experiment as it ran. */
function note(experiment: ResolvedExperiment): string {
  return `${experiment.description ?? ''}\n\n\`\`\`yaml\n${stringify(experiment)}\`\`\`\n`;
}

import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { loadExperiment } from '../config/load.js';
import { readJsonLines } from '../core/jsonl.js';
import { GxError } from '../errors.js';
import { gridsInOrder } from '../runner/run-folder/sample-index.js';
import { recordedStore } from '../tracking/open.js';
import { experimentParams } from '../tracking/params.js';
import { runPageUrl } from '../tracking/ui-links.js';
import { floorOf } from './floor.js';
import { type CurvePoint, type Grid, REPORTED_METRICS, type ReportRun } from './report-run.js';

/** A run folder as a report shows it: run.json, experiment.yaml, history.jsonl, eval.jsonl and samples/*.png. */
export async function runFromFolder(runDir: string): Promise<ReportRun> {
  let record: {
    id?: string;
    runName?: string;
    status?: string;
    tracking?: { store?: string; runId?: string; experimentId?: string };
  };
  try {
    record = JSON.parse(await readFile(join(runDir, 'run.json'), 'utf8'));
  } catch {
    throw new GxError('RUN_NOT_FOUND', `${runDir} is not a run folder (no run.json)`, 'give folders `gx run` wrote');
  }
  const experiment = await loadExperiment(join(runDir, 'experiment.yaml'));
  const history = await jsonLines(join(runDir, 'history.jsonl'));
  const evaluations = await jsonLines(join(runDir, 'eval.jsonl'));
  const curves: Record<string, CurvePoint[]> = {};
  for (const line of [...history, ...evaluations]) {
    for (const key of REPORTED_METRICS) {
      const value = Number(line[key]);
      if (line[key] === undefined || !Number.isFinite(value)) continue;
      curves[key] ??= [];
      curves[key].push({ step: line.step, value });
    }
  }
  for (const points of Object.values(curves)) points.sort((a, b) => a.step - b.step);
  const floor = JSON.parse(await readFile(join(runDir, 'floor.json'), 'utf8').catch(() => '{}'));
  return {
    name: record.runName ?? record.id ?? basename(runDir),
    id: record.id,
    link: record.tracking && serverRunLink(record.tracking),
    status: record.status ?? 'UNKNOWN',
    settings: experimentParams(experiment),
    curves,
    grids: await gridsOf(runDir, history),
    floor: floorOf(floor),
  };
}

/** The run's page in the MLflow UI when it was recorded on a server and the server has it. */
function serverRunLink(tracking: { store?: string; runId?: string; experimentId?: string }): string | undefined {
  const { store, runId, experimentId } = tracking;
  if (store === undefined || runId === undefined || experimentId === undefined) return undefined;
  const where = recordedStore(store);
  return where.kind === 'server' ? runPageUrl(where.uri, experimentId, runId) : undefined;
}

/**
 * The run's sample grids with the step each was drawn at, as samples/grids.jsonl lists them. A run written before
 * that index: `step-NNNNNN.png` says its step, and `epoch-NNNN.png` was drawn at the last step of that epoch, which
 * history.jsonl tells (its lines carry the 0-based epoch under way).
 */
async function gridsOf(runDir: string, history: Record<string, number>[]): Promise<Grid[]> {
  const folder = join(runDir, 'samples');
  let files = await gridsInOrder(folder);
  if (files.length === 0) {
    const names = (await readdir(folder).catch(() => [] as string[])).filter((name) => name.endsWith('.png'));
    const lastStepOf = (epoch: number) =>
      history.reduce((last, line) => (line.epoch === epoch - 1 ? Math.max(last, line.step) : last), -1);
    files = names.map((name) => {
      const step = /^step-(\d+)\.png$/.exec(name)?.[1];
      const epoch = /^epoch-(\d+)\.png$/.exec(name)?.[1];
      const at = step !== undefined ? Number(step) : epoch !== undefined ? lastStepOf(Number(epoch)) : -1;
      return { step: at, file: join(folder, name) };
    });
  }
  // One grid per step (the end of the last epoch is also the run's end); a file gone since is passed over.
  const byStep = new Map<number, Grid>();
  for (const { step, file } of files.filter(({ step }) => step >= 0).sort((a, b) => a.step - b.step)) {
    const png = await readFile(file).catch(() => undefined);
    if (png) byStep.set(step, { step, png });
  }
  return [...byStep.values()];
}

/** A run's JSON Lines log (history.jsonl, eval.jsonl): one record of numbers per line. */
async function jsonLines(file: string): Promise<Record<string, number>[]> {
  return (await readJsonLines(file)) as Record<string, number>[];
}

import type { TrackingStore } from '../tracking/open.js';
import { readStore } from '../tracking/open-store-reader.js';
import type { StoredRun, StoreReader } from '../tracking/store-reader.js';
import { runPageUrl } from '../tracking/ui-links.js';
import { FLOOR_PARAM_PREFIX, floorOf } from './floor.js';
import { type CurvePoint, type Grid, REPORTED_METRICS, type Report, type ReportRun } from './report-run.js';

/** The step images a gx run logs (MLflow's `images/<key>+step+<step>+timestamp+<ms>+<uuid>.png`; older: `%`). */
const STEP_IMAGE = /^samples[+%]step[+%](\d+)[+%]timestamp[+%](\d+)[+%][^+%]*\.png$/;

/**
 * The newest `limit` trained runs of an MLflow experiment (those with a g_loss: a sweep's parent has none), read
 * from the store: params, metric histories and the sample grids logged as step images.
 */
export async function reportFromStore(store: TrackingStore, experiment: string, limit: number): Promise<Report> {
  return readStore(store, async (reader) => {
    const listed = await reader.listRuns({ experiment });
    const trained = listed.filter((run) => run.metrics.g_loss !== undefined).slice(0, limit);
    const runs: ReportRun[] = [];
    for (const run of trained) runs.push(await reportRun(reader, run));
    return { title: `Experiment ${experiment}`, subtitle: `the newest ${runs.length} runs in ${reader.where}`, runs };
  });
}

/** A run as the report shows it: its settings, the curves of the metrics it logged, its sample grids. */
export async function reportRun(reader: StoreReader, run: StoredRun): Promise<ReportRun> {
  const curves: Record<string, CurvePoint[]> = {};
  for (const key of REPORTED_METRICS.filter((k) => run.metrics[k] !== undefined))
    curves[key] = points(await reader.metricHistory(run, key));
  const grids: Grid[] = [];
  for (const [step, name] of latestPerStep(await reader.listArtifacts(run, 'images')))
    grids.push({ step, png: await reader.readArtifact(run, `images/${name}`) });
  // The floor is a reference line, not a setting the runs differ by.
  const settings = Object.fromEntries(
    Object.entries(run.params).filter(([key]) => !key.startsWith(FLOOR_PARAM_PREFIX)),
  );
  return {
    name: run.runName,
    id: run.runId,
    // A server's address as the reader names it never holds a login; a local store has no page of its own.
    link: /^https?:\/\//i.test(reader.where) ? runPageUrl(reader.where, run.experimentId, run.runId) : undefined,
    status: run.status,
    settings,
    curves,
    grids,
    floor: floorOf(run.params, FLOOR_PARAM_PREFIX),
  };
}

/** The step images' names by step, the last logged at each step (a run's end may repeat its last epoch's step). */
function latestPerStep(names: readonly string[]): [number, string][] {
  const byStep = new Map<number, { name: string; timestamp: number }>();
  for (const name of names) {
    const match = STEP_IMAGE.exec(name);
    if (!match) continue;
    const [step, timestamp] = [Number(match[1]), Number(match[2])];
    if ((byStep.get(step)?.timestamp ?? -1) <= timestamp) byStep.set(step, { name, timestamp });
  }
  return [...byStep.entries()].sort(([a], [b]) => a - b).map(([step, { name }]) => [step, name]);
}

/** A metric's finite points in step order. */
function points(all: CurvePoint[]): CurvePoint[] {
  return all.filter(({ value }) => Number.isFinite(value)).sort((a, b) => a.step - b.step);
}

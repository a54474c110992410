import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { connectMlflow } from '../tracking/mlflow-http.js';
import type { TrackingStore } from '../tracking/open.js';
import { experimentIdOf } from '../tracking/run-list.js';
import { type CurvePoint, type Grid, REPORTED_METRICS, type Report, type ReportRun } from './report-run.js';

/** The step images a gx run logs (MLflow's `images/<key>+step+<step>+timestamp+<ms>+<uuid>.png`; older: `%`). */
const STEP_IMAGE = /^samples[+%]step[+%](\d+)[+%]timestamp[+%](\d+)[+%][^+%]*\.png$/;

/**
 * The newest `limit` trained runs of an MLflow experiment (those with a g_loss: a sweep's parent has none), read
 * from the store: params, metric histories and the sample grids logged as step images.
 */
export async function reportFromStore(store: TrackingStore, experiment: string, limit: number): Promise<Report> {
  const runs =
    store.kind === 'server' ? await serverRuns(store, experiment, limit) : await localRuns(store, experiment, limit);
  const where = store.kind === 'server' ? store.uri : resolve(store.folder);
  return { title: `Experiment ${experiment}`, subtitle: `the newest ${runs.length} runs in ${where}`, runs };
}

async function serverRuns(
  store: Extract<TrackingStore, { kind: 'server' }>,
  experiment: string,
  limit: number,
): Promise<ReportRun[]> {
  type Pair<V> = { key: string; value: V };
  type Run = {
    info: { run_id: string; run_name?: string; status: string; artifact_uri: string };
    data: { params?: Pair<string>[]; metrics?: Pair<number>[] };
  };
  const experimentId = await experimentIdOf(store, experiment);
  const http = connectMlflow(store.uri, process.env, store.login);
  try {
    const { runs = [] } = await http.call<{ runs?: Run[] }>('POST', 'runs/search', {
      experiment_ids: [experimentId],
      order_by: ['attributes.start_time DESC'],
      max_results: 1000,
    });
    const trained = runs.filter(({ data }) => data.metrics?.some((m) => m.key === 'g_loss')).slice(0, limit);
    const report: ReportRun[] = [];
    for (const { info, data } of trained) {
      const curves: Record<string, CurvePoint[]> = {};
      for (const key of REPORTED_METRICS.filter((k) => data.metrics?.some((m) => m.key === k))) {
        type History = { metrics?: { step?: string | number; value: number | string }[] };
        const { metrics = [] } = await http.call<History>('GET', 'metrics/get-history', {
          run_id: info.run_id,
          metric_key: key,
          max_results: 25000,
        });
        curves[key] = points(metrics.map(({ step, value }) => ({ step: Number(step ?? 0), value: Number(value) })));
      }
      // The proxy's address of the run's artifacts: mlflow-artifacts:/<experiment>/<run>/artifacts.
      const root = new URL(info.artifact_uri).pathname.replace(/^\/+/, '');
      const { files = [] } = await http.call<{ files?: { path: string }[] }>('GET', 'artifacts/list', {
        run_id: info.run_id,
        path: 'images',
      });
      const images = latestPerStep(files.map((file) => file.path.slice('images/'.length)));
      const grids: Grid[] = [];
      for (const [step, name] of images) grids.push({ step, png: await http.download(`${root}/images/${name}`) });
      report.push({
        name: info.run_name ?? info.run_id,
        status: info.status,
        settings: Object.fromEntries((data.params ?? []).map(({ key, value }) => [key, value])),
        curves,
        grids,
      });
    }
    return report;
  } finally {
    await http.close();
  }
}

/** Reads MLflow's file-store layout (see tracking/local-store.ts). */
async function localRuns(
  store: Extract<TrackingStore, { kind: 'local' }>,
  experiment: string,
  limit: number,
): Promise<ReportRun[]> {
  const folder = join(resolve(store.folder), await experimentIdOf(store, experiment));
  const entries = (path: string) => readdir(path).catch(() => [] as string[]);
  const found: (ReportRun & { start: number })[] = [];
  for (const runId of await entries(folder)) {
    const meta = parse(await readFile(join(folder, runId, 'meta.yaml'), 'utf8').catch(() => 'null'));
    if (!meta?.run_id || meta.lifecycle_stage === 'deleted') continue;
    const run = join(folder, runId);
    const curves: Record<string, CurvePoint[]> = {};
    for (const key of REPORTED_METRICS) {
      const text = await readFile(join(run, 'metrics', key), 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      // Each line is "<timestamp> <value> <step>".
      curves[key] = points(
        text
          .trim()
          .split('\n')
          .map((line) => line.split(' '))
          .map(([, value, step]) => ({ step: Number(step), value: Number(value) })),
      );
    }
    if (!curves.g_loss) continue;
    const settings: Record<string, string> = {};
    for (const key of await entries(join(run, 'params')))
      settings[key] = await readFile(join(run, 'params', key), 'utf8');
    const grids: Grid[] = [];
    for (const [step, name] of latestPerStep(await entries(join(run, 'artifacts', 'images'))))
      grids.push({ step, png: await readFile(join(run, 'artifacts', 'images', name)) });
    const status = ['', 'RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'][meta.status] ?? String(meta.status);
    found.push({ name: meta.run_name ?? runId, status, settings, curves, grids, start: Number(meta.start_time) });
  }
  return found
    .sort((a, b) => b.start - a.start)
    .slice(0, limit)
    .map(({ start, ...run }) => run);
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

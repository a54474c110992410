import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveExperiment } from '../src/config/load.js';
import { runExperiment } from '../src/runner/run.js';
import { tempDir } from '../test/helpers/cli.js';
import { startMlflowServer } from '../test/helpers/mlflow-server.js';

/** Steps timed per tracking mode; the first 10 are warm-up. */
const STEPS = Number(process.env.TRACKING_STEPS ?? 150);
/** The modes take turns this many times and each keeps its best: the machine's drift then favours none. */
const ROUNDS = Number(process.env.TRACKING_ROUNDS ?? 2);

/**
 * Seconds per step of the quickstart on wasm with tracking off, to the local store, and to an MLflow server
 * ($MLFLOW_TRACKING_URI, else one started here), from the step times the run itself records (history.jsonl), so
 * that everything tracking does on the training path (buffering, journaling, sample grids, step images) counts.
 */
export async function benchTracking() {
  const server = process.env.MLFLOW_TRACKING_URI ? undefined : await startMlflowServer();
  const uri = process.env.MLFLOW_TRACKING_URI || (server?.uri as string);
  try {
    const modes = {
      off: 'tracking.enabled=false',
      local_store: `tracking.uri=${join(tempDir(), 'mlruns')}`,
      mlflow_server: `tracking.uri=${uri}`,
    };
    const seconds: Record<string, number> = {};
    for (let round = 0; round < ROUNDS; round++) {
      for (const [mode, override] of Object.entries(modes))
        seconds[mode] = Math.min(seconds[mode] ?? Number.POSITIVE_INFINITY, await secondsPerStep(override));
    }
    return {
      steps_timed: STEPS - 10,
      rounds: ROUNDS,
      s_per_step: seconds,
      mlflow_server_overhead_pct: (100 * (seconds.mlflow_server - seconds.off)) / seconds.off,
      local_store_overhead_pct: (100 * (seconds.local_store - seconds.off)) / seconds.off,
    };
  } finally {
    server?.stop();
  }
}

async function secondsPerStep(override: string): Promise<number> {
  const path = new URL('../../experiments/quickstart.yaml', import.meta.url);
  const experiment = resolveExperiment('quickstart.yaml', readFileSync(path, 'utf8'), { overrides: [override] });
  const result = await runExperiment(experiment, {
    runsDir: tempDir(),
    backend: 'wasm',
    maxSteps: STEPS,
    warn: () => {},
  });
  const times = readFileSync(join(result.runDir, 'history.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line).time as number);
  return (times[STEPS - 1] - times[9]) / (STEPS - 10) / 1000;
}

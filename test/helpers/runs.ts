import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** Every line of a run's history.jsonl, parsed (a line that does not parse fails the test that reads it). */
export function historyOf(runDir: string): { step: number; [metric: string]: unknown }[] {
  const file = join(runDir, 'history.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
}

/** The steps of a run's history, in file order. */
export function historySteps(runDir: string): number[] {
  return historyOf(runDir).map((line) => line.step);
}

/** 1..n */
export function steps(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

/** The one run of a local MLflow store: its folder, status code, tags and each metric's steps in file order. */
export function localMlflowRun(mlruns: string) {
  const folders = readdirSync(mlruns)
    .filter((id) => /^\d+$/.test(id))
    .flatMap((id) =>
      readdirSync(join(mlruns, id))
        // Runs only: an experiment's folder also holds datasets/ and models/ (dataset inputs, logged models).
        .filter(
          (entry) => statSync(join(mlruns, id, entry)).isDirectory() && existsSync(join(mlruns, id, entry, 'tags')),
        )
        .map((run) => join(mlruns, id, run)),
    );
  if (folders.length !== 1) throw new Error(`expected one run in ${mlruns}, found ${folders.length}`);
  const [folder] = folders;
  const meta = parse(readFileSync(join(folder, 'meta.yaml'), 'utf8'));
  const read = (sub: string) =>
    Object.fromEntries(
      readdirSync(join(folder, sub), { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => {
          const path = join(entry.parentPath, entry.name);
          return [path.slice(join(folder, sub).length + 1), readFileSync(path, 'utf8')];
        }),
    );
  const metrics = Object.fromEntries(
    Object.entries(read('metrics')).map(([key, text]) => [
      key,
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [timestamp, value, step] = line.split(' ').map(Number);
          return { timestamp, value, step };
        }),
    ]),
  );
  return { folder, status: meta.status as number, tags: read('tags'), metrics };
}

/** MLflow's status codes in meta.yaml. */
export const MLFLOW_FAILED = 4;
export const MLFLOW_FINISHED = 3;
export const MLFLOW_KILLED = 5;

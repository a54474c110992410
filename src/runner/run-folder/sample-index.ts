import { join } from 'node:path';
import { readJsonLines } from '../../core/jsonl.js';
import { appendRecord } from './records.js';

/**
 * samples/grids.jsonl: a line per sample grid written, `{"step":600,"file":"step-000600.png"}`, so that the grids
 * of a run (a resumed one too) can be put in order of their steps; the names of epoch grids do not give the step.
 */
const INDEX = 'grids.jsonl';

export async function recordGrid(samplesDir: string, step: number, file: string): Promise<void> {
  await appendRecord(join(samplesDir, INDEX), [JSON.stringify({ step, file })]);
}

/**
 * The grids recorded in the folder, by step, each file once at its last record (a resumed run writes the steps
 * after its checkpoint again). A line a crash cut short is passed over.
 */
export async function gridsInOrder(samplesDir: string): Promise<{ step: number; file: string }[]> {
  const byFile = new Map<string, number>();
  for (const record of await readJsonLines(join(samplesDir, INDEX))) {
    const { step, file } = (record ?? {}) as { step?: unknown; file?: unknown };
    if (Number.isInteger(step) && typeof file === 'string' && !file.includes('/')) byFile.set(file, step as number);
  }
  return [...byFile].map(([file, step]) => ({ step, file: join(samplesDir, file) })).sort((a, b) => a.step - b.step);
}

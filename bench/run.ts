import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchData } from './data.js';
import { benchFid } from './fid.js';
import { benchFolder } from './folder.js';
import { benchSweep } from './sweep.js';
import { benchTracking } from './tracking.js';
import { benchTraining } from './training.js';

/** `npm run bench`: each benchmark's figures as JSON; `npm run bench -- data` runs one. */
const benchmarks = {
  data: benchData,
  fid: benchFid,
  folder: benchFolder,
  training: benchTraining,
  tracking: benchTracking,
  sweep: benchSweep,
};
// Every temporary folder of the benchmarks and of the processes they start (image folders, runs, workers, servers)
// is made under one, removed at the end.
const scratch = mkdtempSync(join(tmpdir(), 'gx-bench-'));
process.env.TMPDIR = scratch;
try {
  const chosen = process.argv.slice(2) as (keyof typeof benchmarks)[];
  for (const name of chosen.length > 0 ? chosen : (Object.keys(benchmarks) as (keyof typeof benchmarks)[])) {
    console.log(JSON.stringify({ [name]: await benchmarks[name]() }, null, 2));
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

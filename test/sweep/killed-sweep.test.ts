import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { gx, tempDir } from '../helpers/cli.js';
import { tinyYaml } from '../helpers/experiments.js';
import { gxChild } from '../helpers/tracking-checks.js';

/** The run folders under `dir`, at any depth below it, by their run.json. */
function runFolders(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      return existsSync(join(path, 'run.json')) ? [path] : runFolders(path);
    });
}

describe('a sweep killed with kill -9 while a trial trains', () => {
  it('takes its trial down with it, and --resume continues that trial instead of training it again', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'killed.yaml'),
      tinyYaml.replace('name: tiny', 'name: killed').replace('epochs: 3', 'epochs: 500'),
    );
    const sweep = gxChild(
      ['sweep', 'killed.yaml', '--param', 'train.optimizer.g.lr=0.001'],
      dir,
      {
        GX_RUNS_DIR: join(dir, 'runs'),
      },
      240_000,
    );
    // The named moment: the trial has trained a step.
    let trialRun: string | undefined;
    for (let waited = 0; waited < 180_000; waited += 250) {
      trialRun = runFolders(join(dir, 'runs')).find((path) => path.includes('trial-001'));
      if (
        trialRun &&
        existsSync(join(trialRun, 'history.jsonl')) &&
        readFileSync(join(trialRun, 'history.jsonl'), 'utf8').length > 0
      )
        break;
      await sleep(250);
    }
    assert.ok(trialRun, sweep.result.stderr);
    sweep.child.kill('SIGKILL');
    await sweep.exited;
    // Its trial lets go of its run within seconds (a step and a checkpoint), not after its 4000 steps.
    const lock = join(trialRun, 'run.lock');
    for (let waited = 0; existsSync(lock) && waited < 90_000; waited += 250) await sleep(250);
    assert.ok(!existsSync(lock), 'the trial trains on after its sweep was killed');
    const sweepDir = join(dir, 'runs', readdirSync(join(dir, 'runs'))[0]);
    const resumed = gx(['sweep', '--resume', sweepDir, '--max-steps', '30', '--json'], {
      cwd: dir,
      env: { GX_RUNS_DIR: join(dir, 'runs') },
    });
    assert.equal(resumed.status, 0, resumed.stderr);
    // One run for the one trial: the one it started, continued.
    assert.deepEqual(runFolders(join(sweepDir, 'trials')), [trialRun]);
    const record = JSON.parse(readFileSync(join(sweepDir, 'sweep.json'), 'utf8'));
    assert.equal(record.trials[0].status, 'FINISHED');
    assert.equal(record.trials[0].runDir, trialRun);
    const mlruns = join(dir, 'mlruns');
    const experiments = readdirSync(mlruns).filter((name) => /^\d+$/.test(name) && name !== '0');
    const runs = experiments.flatMap((id) =>
      // A run is a folder with its meta.yaml (beside it: the experiment's tags/, datasets/, models/).
      readdirSync(join(mlruns, id), { withFileTypes: true }).filter((e) =>
        existsSync(join(mlruns, id, e.name, 'meta.yaml')),
      ),
    );
    assert.equal(runs.length, 2, `the parent and one trial: ${runs.map((e) => e.name)}`);
  });
});

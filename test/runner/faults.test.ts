import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { gx, repoRoot, tempDir } from '../helpers/cli.js';
import { tinyIn, tinyYaml } from '../helpers/experiments.js';
import { gxKilledAt, killAtLibrary } from '../helpers/kill-at.js';
import { historyOf, historySteps, localMlflowRun, MLFLOW_FAILED, MLFLOW_FINISHED, steps } from '../helpers/runs.js';

const bin = join(repoRoot, 'bin/run.js');

function start(args: string[], cwd: string): ChildProcess {
  return spawn(process.execPath, [bin, ...args], {
    cwd,
    env: { ...process.env, MLFLOW_TRACKING_URI: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.on('exit', (code) => resolve(code));
  });
}

function checkpointStep(runDir: string): number | undefined {
  try {
    return JSON.parse(readFileSync(join(runDir, 'checkpoint', 'checkpoint.json'), 'utf8')).state.step;
  } catch {
    return undefined; // not written yet, or being replaced
  }
}

/** Whether the local MLflow store already holds a step after `step` (it is written just after history.jsonl). */
function trackedPast(dir: string, step: number): boolean {
  try {
    return localMlflowRun(join(dir, 'mlruns')).metrics.d_loss.some((point) => point.step > step);
  } catch {
    return false;
  }
}

function onlyRun(dir: string): string {
  const runs = readdirSync(join(dir, 'runs'));
  assert.equal(runs.length, 1, `one run in ${dir}/runs`);
  return join(dir, 'runs', runs[0]);
}

/** A one-line error and a hint, no stack trace, not called a bug. */
function assertOneLineError(stderr: string, pattern: RegExp) {
  const lines = stderr.trim().split('\n');
  const errorLines = lines.filter((line) => !line.startsWith('hint: '));
  assert.match(errorLines.at(-1) ?? '', pattern, stderr);
  assert.match(lines.at(-1) ?? '', /^hint: /, stderr);
  assert.doesNotMatch(stderr, /bug in gx|unexpected error|\n\s+at /, stderr);
}

describe('a run against faults', () => {
  it('a kill -9 at any instant of replacing the checkpoint or run.json leaves a complete one to resume from', (t) => {
    if (!killAtLibrary()) return t.skip('no C compiler for the fault injector');
    const dir = tinyIn('atomic');
    const base = gx(['run', 'atomic.yaml', '--max-steps', '8', '--set', 'tracking.enabled=false', '--json'], {
      cwd: dir,
    });
    assert.equal(base.status, 0, base.stderr);
    const baseDir = JSON.parse(base.stdout).runDir as string;
    // From step 8 to 10: one checkpoint, at the end (an epoch is 8 steps).
    const resume = (runDir: string) => ['run', '--resume', runDir, '--max-steps', '10'];

    for (const pattern of ['/checkpoint', '/run.json']) {
      // Every file operation on the checkpoint (or run.json) while the run goes on...
      const probe = join(dir, `probe-${pattern.slice(1)}`);
      cpSync(baseDir, probe, { recursive: true });
      const { operations, status } = gxKilledAt(resume(probe), pattern, 0, dir);
      assert.equal(status, 0);
      assert.ok(operations.length >= 2, `operations on ${pattern}: ${operations.join('\n')}`);
      // ...is where a kill -9 lands in turn: a resume then continues and the history is whole, each step once.
      for (let n = 1; n <= operations.length; n++) {
        const runDir = join(dir, `kill-${pattern.slice(1)}-${n}`);
        cpSync(baseDir, runDir, { recursive: true });
        const killed = gxKilledAt(resume(runDir), pattern, n, dir);
        assert.equal(killed.signal, 'SIGKILL', `killed before ${operations[n - 1]}`);
        const resumed = gx([...resume(runDir), '--json'], { cwd: dir });
        assert.equal(resumed.status, 0, `after a kill before ${operations[n - 1]}: ${resumed.stderr}`);
        assert.equal(JSON.parse(resumed.stdout).state.step, 10);
        assert.deepEqual(historySteps(runDir), steps(10), `history after a kill before ${operations[n - 1]}`);
      }
    }
  });

  it('resumes after kill -9 mid-epoch with each step once in history.jsonl and MLflow', async () => {
    // 64 steps an epoch: longer than the 5 s after which metrics are written mid-epoch.
    const dir = tempDir();
    writeFileSync(
      join(dir, 'midepoch.yaml'),
      tinyYaml.replace('limit: 64', 'limit: 256').replace('batch_size: 8', 'batch_size: 4'),
    );
    const child = start(['run', 'midepoch.yaml', '--max-steps', '1000', '--set', 'train.epochs=100'], dir);
    let runDir = '';
    let killedAt = { checkpoint: 0, history: 0 };
    for (const deadline = Date.now() + 120_000; Date.now() < deadline && child.exitCode === null; await sleep(20)) {
      // mkdir -p makes runs/ an instant before the run's own folder in it.
      if (!existsSync(join(dir, 'runs')) || readdirSync(join(dir, 'runs')).length === 0) continue;
      runDir = onlyRun(dir);
      const checkpoint = checkpointStep(runDir);
      const last = historySteps(runDir).at(-1) ?? 0;
      if (checkpoint !== undefined && last > checkpoint && last % 64 !== 0 && trackedPast(dir, checkpoint)) {
        child.kill('SIGKILL');
        killedAt = { checkpoint, history: last };
        break;
      }
    }
    await exited(child);
    assert.ok(killedAt.history > 0, 'killed mid-epoch after a checkpoint');
    // MLflow already holds the steps after the checkpoint that are about to be trained again.
    const before = localMlflowRun(join(dir, 'mlruns'));
    assert.ok(before.metrics.d_loss.some(({ step }) => step > killedAt.checkpoint));

    const end = killedAt.history + 5;
    const resumed = gx(['run', '--resume', runDir, '--max-steps', String(end), '--json'], { cwd: dir });
    assert.equal(resumed.status, 0, resumed.stderr);
    const history = historyOf(runDir);
    assert.deepEqual(
      history.map((line) => line.step),
      steps(end),
    );
    const after = localMlflowRun(join(dir, 'mlruns'));
    assert.equal(after.status, MLFLOW_FINISHED);
    for (const key of ['d_loss', 'g_loss', 'd_real']) {
      assert.deepEqual(
        after.metrics[key].map(({ step }) => step),
        steps(end),
        `${key} in MLflow`,
      );
      // The copy MLflow kept is the one history.jsonl holds: the retrained steps came out the same.
      assert.deepEqual(
        after.metrics[key].map(({ value }) => value),
        history.map((line) => line[key]),
      );
    }
  });

  it("keeps a callback's state in the checkpoint through kill -9: a resume does not draw the last grid again", async () => {
    const dir = tinyIn('keyed');
    const child = start(['run', 'keyed.yaml', '--max-steps', '1000', '--set', 'train.epochs=100'], dir);
    let saved: { step: number; callbacks: Record<string, unknown> } | undefined;
    for (const deadline = Date.now() + 120_000; Date.now() < deadline && child.exitCode === null; await sleep(20)) {
      if (!existsSync(join(dir, 'runs')) || readdirSync(join(dir, 'runs')).length === 0) continue;
      const step = checkpointStep(onlyRun(dir));
      if (step === undefined) continue;
      child.kill('SIGKILL');
      const checkpoint = JSON.parse(readFileSync(join(onlyRun(dir), 'checkpoint', 'checkpoint.json'), 'utf8'));
      saved = { step: checkpoint.state.step, callbacks: checkpoint.callbacks };
      break;
    }
    await exited(child);
    assert.ok(saved, 'killed after the first checkpoint');
    // 8 steps an epoch, a checkpoint and a grid at each epoch's end: the grids' schedule remembers the grid's step.
    assert.equal(saved.step % 8, 0);
    assert.deepEqual(saved.callbacks['sample-grids'], { step: saved.step });

    // Resumed to the checkpoint's own step, the run ends at once: its final grid is the one it already drew.
    const runDir = onlyRun(dir);
    const resumed = gx(['run', '--resume', runDir, '--max-steps', String(saved.step), '--json'], { cwd: dir });
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.equal(JSON.parse(resumed.stdout).state.step, saved.step);
    const grids = readdirSync(join(runDir, 'samples')).filter((name) => name.endsWith('.png'));
    assert.deepEqual(grids, [`epoch-${String(saved.step / 8).padStart(4, '0')}.png`]);
  });

  it('holds a lock: a second --resume of a running run is refused, a dead one’s lock is taken over', async () => {
    const dir = tinyIn('locked');
    const first = gx(['run', 'locked.yaml', '--max-steps', '8', '--set', 'train.epochs=100000', '--json'], {
      cwd: dir,
    });
    assert.equal(first.status, 0, first.stderr);
    const runDir = JSON.parse(first.stdout).runDir as string;
    const child = start(['run', '--resume', runDir, '--max-steps', '100000'], dir);
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    for (const deadline = Date.now() + 60_000; !stderr.includes('step 9') && Date.now() < deadline; ) await sleep(50);
    assert.match(stderr, /step 9/);

    const second = gx(['run', '--resume', runDir, '--max-steps', '9'], { cwd: dir });
    assert.equal(second.status, 1, second.stderr);
    assertOneLineError(second.stderr, new RegExp(`is in use by gx \\(pid ${child.pid}\\)`));

    child.kill('SIGKILL');
    await exited(child);
    const third = gx(['run', '--resume', runDir, '--max-steps', '20', '--json'], { cwd: dir });
    assert.equal(third.status, 0, third.stderr);
    assert.deepEqual(historySteps(runDir), steps(20));
  });

  for (const [damage, spoil] of [
    ['zeroed', (bytes: Buffer) => Buffer.alloc(bytes.length)],
    ['truncated', (bytes: Buffer) => bytes.subarray(0, bytes.length >> 1)],
    ['NaN', (bytes: Buffer) => Buffer.alloc(bytes.length, 0xff)],
  ] as const) {
    it(`refuses a checkpoint whose weights are ${damage}, and leaves the run as it was`, () => {
      const dir = tinyIn(`damaged-${damage}`);
      const run = gx(['run', `damaged-${damage}.yaml`, '--max-steps', '8', '--json'], { cwd: dir });
      assert.equal(run.status, 0, run.stderr);
      const runDir = JSON.parse(run.stdout).runDir as string;
      const weights = join(runDir, 'checkpoint', 'weights.bin');
      writeFileSync(weights, spoil(readFileSync(weights)));
      const files = ['model/model.json', 'model/weights.bin', 'history.jsonl', 'run.json', 'checkpoint/weights.bin'];
      const before = files.map((file) => readFileSync(join(runDir, file)));

      const resumed = gx(['run', '--resume', runDir, '--max-steps', '16'], { cwd: dir });
      assert.equal(resumed.status, 1, resumed.stderr);
      assertOneLineError(resumed.stderr, /checkpoint.*weights\.bin.*(damaged|SHA-256)/);
      assert.doesNotMatch(resumed.stderr, /diverged/);
      for (const [i, file] of files.entries()) {
        assert.ok(readFileSync(join(runDir, file)).equals(before[i]), `${file} unchanged`);
      }
    });
  }

  it('a full disk at an epoch’s end fails the run (FAILED, gx.error), keeps the checkpoint, writes no step twice', (t) => {
    // A real ENOSPC: a 6 MB tmpfs, mounted in a user and mount namespace of its own (no root needed), is filled up
    // by another process once the first checkpoint is written; the run is in the middle of its second epoch.
    const probe = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'true']);
    if (probe.status !== 0) return t.skip('cannot make a tmpfs here (unshare --user --mount fails)');
    const disk = tempDir('gx-full-disk-');
    const out = tempDir('gx-full-disk-out-');
    writeFileSync(
      join(out, 'full.yaml'),
      tinyYaml.replace('name: tiny', 'name: full').replace('epochs: 3', 'epochs: 50'),
    );
    const script = `
      mount -t tmpfs -o size=6m tmpfs "$DISK" && cd "$DISK" && cp "$OUT/full.yaml" . || exit 99
      ( until [ -n "$(ls runs/*/checkpoint/checkpoint.json 2>/dev/null)" ]; do sleep 0.01; done
        cat /dev/zero > filler 2>/dev/null; touch "$OUT/filled" ) &
      "$NODE" "$BIN" run full.yaml --set train.sample_every=0 > "$OUT/stdout" 2> "$OUT/stderr"
      echo $? > "$OUT/status"
      wait
      rm -f filler
      cp -a runs mlruns "$OUT/"
    `;
    const shell = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', script], {
      env: { ...process.env, DISK: disk, OUT: out, NODE: process.execPath, BIN: bin, MLFLOW_TRACKING_URI: '' },
      encoding: 'utf8',
    });
    assert.equal(shell.status, 0, shell.stderr);
    assert.ok(existsSync(join(out, 'filled')), 'the disk was filled');
    const stderr = readFileSync(join(out, 'stderr'), 'utf8');
    assert.equal(readFileSync(join(out, 'status'), 'utf8').trim(), '1', stderr);
    assertOneLineError(stderr, /no space left/);

    // What the full disk held, put back where it was (the mount is gone with its namespace).
    cpSync(join(out, 'runs'), join(disk, 'runs'), { recursive: true });
    cpSync(join(out, 'mlruns'), join(disk, 'mlruns'), { recursive: true });
    const runDir = onlyRun(disk);
    const record = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
    assert.equal(record.status, 'FAILED');
    assert.match(record.error, /no space left/);
    const mlflow = localMlflowRun(join(disk, 'mlruns'));
    assert.equal(mlflow.status, MLFLOW_FAILED);
    assert.match(mlflow.tags['gx.error'], /no space left/);
    const recorded = historySteps(runDir);
    assert.deepEqual(recorded, steps(recorded.length), 'each step once');
    // The disk fills after the first checkpoint (step 8); the history is flushed at each epoch's end and every 5 s,
    // so on a slow machine the failure can come inside the second epoch: either way it comes after step 8.
    assert.ok(recorded.length > 8, `the run is recorded past its first checkpoint (${recorded.length} steps)`);
    // The checkpoint holds what was trained up to the failure, so nothing is trained twice.
    assert.equal(checkpointStep(runDir), recorded.length);
    for (const key of ['d_loss', 'g_loss']) {
      assert.deepEqual(
        mlflow.metrics[key].map(({ step }) => step),
        recorded,
        key,
      );
    }

    const resumed = gx(['run', '--resume', runDir, '--max-steps', '24', '--json'], { cwd: disk });
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.deepEqual(historySteps(runDir), steps(24));
    assert.deepEqual(
      localMlflowRun(join(disk, 'mlruns')).metrics.d_loss.map(({ step }) => step),
      steps(24),
    );
    rmSync(out, { recursive: true, force: true });
  });
});

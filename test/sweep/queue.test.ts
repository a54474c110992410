import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoRoot, tempDir } from '../helpers/cli.js';
import { tinyIn } from '../helpers/experiments.js';
import { type MlflowServer, mlflowApi, startMlflowServer } from '../helpers/mlflow-server.js';
import { type RedisServer, redisServerInstalled, startRedisServer } from '../helpers/redis-server.js';

type Pair<V = string> = { key: string; value: V };
type Run = { info: { run_id: string; status: string }; data: { tags?: Pair[]; params?: Pair[] } };

const PASSWORD = 'gx-redis-Secret-7f3a9c';

/** Every gx process a test starts (sweeps and workers): killed after the tests, so a failed one cannot hang the file. */
const started: ChildProcess[] = [];

/** `gx` as a process of its own, its output kept (a worker runs until stopped). */
function startGx(args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [join(repoRoot, 'bin/run.js'), ...args], {
    cwd,
    env: { ...process.env, MLFLOW_TRACKING_URI: '', REDIS_PASSWORD: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout?.on('data', (chunk) => {
    output.stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output.stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  started.push(child);
  return { child, output, exited };
}

const tagsOf = (run: Run) => Object.fromEntries((run.data.tags ?? []).map(({ key, value }) => [key, value]));

/** Every file under a folder (recursively). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('sweeps across machines on a Redis queue', { skip: !redisServerInstalled() && 'no redis-server' }, () => {
  let mlflow: MlflowServer;
  let redis: RedisServer;
  before(async () => {
    [mlflow, redis] = await Promise.all([startMlflowServer(), startRedisServer(PASSWORD)]);
  });
  after(() => {
    for (const child of started) child.kill('SIGKILL');
    mlflow?.stop();
    redis?.stop();
  });

  /** A worker in a working folder and a gx cache of its own, sharing nothing with the sweep or another worker. */
  const startWorker = (login: 'url' | 'env') => {
    const cwd = tempDir('gx-worker-');
    const queue = login === 'url' ? redis.url : `redis://127.0.0.1:${redis.port}`;
    const env = { GX_CACHE_DIR: join(cwd, 'cache'), MLFLOW_TRACKING_URI: mlflow.uri, REDIS_PASSWORD: PASSWORD };
    const worker = startGx(
      ['worker', '--queue', queue, '--lock-seconds', '3', '--backend', 'wasm'],
      cwd,
      login === 'env' ? env : { ...env, REDIS_PASSWORD: '' },
    );
    return { ...worker, cwd };
  };

  /** `gx sweep` of a tiny experiment named `name` (in a folder of its own) through the queue, into the server. */
  const startSweep = (name: string, args: string[]) => {
    const dir = tinyIn(name);
    const sweep = startGx(['sweep', `${name}.yaml`, ...args, '--queue', redis.url, '--json'], dir, {
      MLFLOW_TRACKING_URI: mlflow.uri,
    });
    return { ...sweep, dir };
  };

  const runsOf = async (experiment: string) => {
    const { experiment: found } = await mlflowApi<{ experiment: { experiment_id: string } }>(
      mlflow,
      'mlflow/experiments/get-by-name',
      { experiment_name: experiment },
    );
    const { runs = [] } = await mlflowApi<{ runs?: Run[] }>(mlflow, 'mlflow/runs/search', undefined, {
      experiment_ids: [found.experiment_id],
      max_results: 100,
    });
    return runs;
  };

  it('runs a 4-trial sweep on 2 workers: 4 finished child runs under the parent, its report, no password anywhere', async () => {
    const [a, b] = [startWorker('url'), startWorker('env')];
    const sweep = startSweep('qsweep', ['--param', 'train.optimizer.g.lr=1e-3,2e-3,4e-3,8e-3', '--max-steps', '4']);
    assert.equal(await sweep.exited, 0, sweep.output.stderr);
    const record = JSON.parse(sweep.output.stdout) as { sweepDir: string; parent: { runId: string } };
    const runs = await runsOf('qsweep');
    const children = runs.filter((run) => tagsOf(run)['mlflow.parentRunId'] === record.parent.runId);
    assert.deepEqual(children.map((run) => tagsOf(run)['gx.trial']).sort(), ['1', '2', '3', '4']);
    assert.ok(children.every((run) => run.info.status === 'FINISHED'));
    assert.equal(runs.length, 5, 'the parent and one run per trial');
    const { files = [] } = await mlflowApi<{ files?: { path: string }[] }>(mlflow, 'mlflow/artifacts/list', {
      run_id: record.parent.runId,
    });
    assert.ok(
      files.some((file) => file.path === 'report.html'),
      JSON.stringify(files),
    );
    assert.match(sweep.output.stderr, /trial \d running on /);
    // Both workers took trials.
    assert.match(a.output.stderr, /started/);
    assert.match(b.output.stderr, /started/);

    // The password is in no file (sweep, workers, MLflow's database and artifacts), param, tag or output.
    for (const file of [
      ...filesUnder(sweep.dir),
      ...filesUnder(a.cwd),
      ...filesUnder(b.cwd),
      ...filesUnder(mlflow.dir),
    ])
      if (statSync(file).size < 50_000_000) assert.ok(!readFileSync(file).includes(PASSWORD), file);
    for (const text of [sweep.output.stdout, sweep.output.stderr, a.output.stderr, a.output.stdout, b.output.stderr])
      assert.ok(!text.includes(PASSWORD));
    for (const run of runs) assert.ok(!JSON.stringify(run).includes(PASSWORD));
    for (const worker of [a, b]) worker.child.kill('SIGTERM');
    await Promise.all([a.exited, b.exited]);
  });

  it('continues a trial whose process crashed, then whose worker was killed, from its snapshots: one run, each step once', async () => {
    // Long enough that, on an idle machine too, the trial is still training when each of the two faults comes.
    const STEPS = 200;
    const a = startWorker('env');
    const sweep = startSweep('qkill', [
      '--param',
      'train.optimizer.g.lr=1e-3',
      '--max-steps',
      String(STEPS),
      '--set',
      'train.checkpoint_every_steps=5',
      '--set',
      'train.epochs=30',
    ]);
    /** Waits for the trial's run to tag a snapshot later than `after`, and returns its step. */
    const snapshotAfter = async (after: number) => {
      for (const deadline = Date.now() + 180_000; Date.now() < deadline; await sleep(250)) {
        const runs = await runsOf('qkill').catch(() => []);
        const latest = runs.map((run) => tagsOf(run)['gx.checkpoint.latest']).find(Boolean);
        const step = latest ? Number(latest.replace('step-', '')) : -1;
        if (step > after) return step;
      }
      throw new Error(`no snapshot after step ${after}; worker: ${a.output.stderr}`);
    };
    await snapshotAfter(0);
    // The trial's process dies (as out of memory would): its job fails, and is retried.
    const trialPid = execFileSync('pgrep', ['-P', String(a.child.pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')[0];
    process.kill(Number(trialPid), 'SIGKILL');
    // The retried job takes the run over from its latest snapshot (a later one than the first, if another was
    // tagged before the kill), then snapshots again.
    const takeover = /taking over MLflow run \w+ from its checkpoint at step (\d+)/;
    for (const deadline = Date.now() + 180_000; !takeover.test(a.output.stderr) && Date.now() < deadline; )
      await sleep(250);
    assert.match(a.output.stderr, takeover);
    const second = await snapshotAfter(Number(takeover.exec(a.output.stderr)?.[1]));
    // Then the whole worker dies; another, sharing nothing with it, takes the trial over once its lock runs out.
    a.child.kill('SIGKILL');
    const b = startWorker('url');
    assert.equal(await sweep.exited, 0, sweep.output.stderr + b.output.stderr);
    assert.match(b.output.stderr, new RegExp(`from its checkpoint at step (${second}|[1-9]\\d+)`));
    const runs = await runsOf('qkill');
    const trials = runs.filter((run) => tagsOf(run)['gx.trial'] === '1');
    assert.equal(trials.length, 1, 'a retried job makes no second run');
    assert.equal(trials[0].info.status, 'FINISHED');
    const { metrics = [] } = await mlflowApi<{ metrics?: { step: string }[] }>(mlflow, 'mlflow/metrics/get-history', {
      run_id: trials[0].info.run_id,
      metric_key: 'g_loss',
      max_results: '1000',
    });
    const steps = metrics.map((point) => Number(point.step)).sort((x, y) => x - y);
    assert.deepEqual(
      steps,
      Array.from({ length: STEPS }, (_, i) => i + 1),
      'every step exactly once',
    );
    b.child.kill('SIGTERM');
    await b.exited;
  });

  it('with --fail-fast, takes the trials no worker started off the queue once one fails, for --resume', async () => {
    const a = startWorker('url');
    const lrs = 'train.optimizer.d.lr=1e30,1e-3,2e-3,3e-3';
    const sweep = startSweep('qfast', ['--param', lrs, '--max-steps', '3', '--fail-fast']);
    assert.equal(await sweep.exited, 130, sweep.output.stderr);
    const record = JSON.parse(sweep.output.stdout) as { trials: { status: string }[] };
    // Trial 1 diverges (D's learning rate); the worker may have taken trial 2 before the sweep saw that (it runs on,
    // as a local sweep's running trials do); the last ones were never started.
    const statuses = record.trials.map((trial) => trial.status);
    assert.equal(statuses[0], 'FAILED');
    assert.deepEqual(statuses.slice(2), ['PENDING', 'PENDING']);
    assert.match(sweep.output.stderr, /trial 4 taken off the queue: the sweep starts no more trials \(--fail-fast\)/);
    const trials = (await runsOf('qfast')).map((run) => tagsOf(run)['gx.trial']).filter(Boolean);
    assert.ok(!trials.includes('3') && !trials.includes('4'), trials.join());
    a.child.kill('SIGTERM');
    await a.exited;
  });

  it('ends FAILED, not RUNNING, the run of a trial whose process crashed on every attempt', async () => {
    const a = startWorker('env');
    const args = ['--param', 'train.optimizer.g.lr=1e-3', '--max-steps', '200', '--set', 'train.epochs=30'];
    const sweep = startSweep('qcrash', args);
    const trialRuns = async () =>
      (await runsOf('qcrash').catch(() => [])).filter((run) => tagsOf(run)['gx.trial'] === '1');
    const killed = new Set<string>();
    for (let attempt = 1; attempt <= 3; attempt++) {
      // Each attempt's trial process (a new child of the worker), once the first has made the run.
      let pid: string | undefined;
      for (const deadline = Date.now() + 180_000; pid === undefined && Date.now() < deadline; await sleep(200)) {
        const children = spawnSync('pgrep', ['-P', String(a.child.pid)], { encoding: 'utf8' }).stdout.split('\n');
        const fresh = children.find((child) => child !== '' && !killed.has(child));
        if (fresh && (attempt > 1 || (await trialRuns()).length > 0)) pid = fresh;
      }
      assert.ok(pid, `attempt ${attempt} started; worker: ${a.output.stderr}`);
      process.kill(Number(pid), 'SIGKILL');
      killed.add(pid);
    }
    assert.equal(await sweep.exited, 0, sweep.output.stderr);
    const record = JSON.parse(sweep.output.stdout) as { trials: { status: string; error?: string }[] };
    assert.equal(record.trials[0].status, 'FAILED');
    const runs = await trialRuns();
    assert.equal(runs.length, 1, 'the attempts continued one run');
    assert.equal(runs[0].info.status, 'FAILED');
    assert.match(tagsOf(runs[0])['gx.error'], /gave up after 3 attempts: the trial process exited with/);
    assert.match(sweep.output.stderr, /trial 1 failed: its MLflow run is ended FAILED/);
    a.child.kill('SIGTERM');
    await a.exited;
  });
});

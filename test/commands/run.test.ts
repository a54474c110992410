import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend } from '../../src/backend/select.js';
import { gx, repoRoot, tempDir } from '../helpers/cli.js';
import { tinyYaml } from '../helpers/experiments.js';
import { localMlflowRun, MLFLOW_KILLED } from '../helpers/runs.js';
import { seedParameters } from '../helpers/seed-parameters.js';

describe('gx run', () => {
  it('--dry-run shows the seed models with their parameter counts, and trains nothing', () => {
    const dir = tempDir();
    const result = gx(['run', join(repoRoot, 'experiments/acgan-mnist.yaml'), '--dry-run', '--json'], { cwd: dir });
    assert.equal(result.status, 0, result.stderr);
    const { models, experiment } = JSON.parse(result.stdout);
    assert.equal(models.generator.parameters, seedParameters.generator);
    assert.equal(models.discriminator.parameters, seedParameters.discriminator);
    assert.equal(experiment.train.optimizer.g.beta1, 0.5);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('writes nothing when the experiment is invalid', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.yaml'), tinyYaml.replace('lr: 0.001', 'lr: -0.001'));
    const result = gx(['run', 'bad.yaml'], { cwd: dir });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^bad\.yaml:\d+:\d+: train\.optimizer\.g\.lr must be > 0, got -0\.001$/m);
    assert.deepEqual(readdirSync(dir), ['bad.yaml']);
  });

  it('trains, writes the run folder, and its generator loads over HTTP as a browser would load it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'tiny.yaml'), tinyYaml);
    const result = gx(['run', 'tiny.yaml', '--max-steps', '3', '--json'], { cwd: dir });
    assert.equal(result.status, 0, result.stderr);
    const run = JSON.parse(result.stdout);
    assert.equal(run.status, 'FINISHED');
    assert.equal(run.state.step, 3);
    for (const file of [
      'experiment.yaml',
      'run.json',
      'history.jsonl',
      'checkpoint/checkpoint.json',
      'model/model.json',
      'samples/step-000003.png',
    ]) {
      assert.ok(existsSync(join(run.runDir, file)), file);
    }
    assert.equal(readFileSync(join(run.runDir, 'history.jsonl'), 'utf8').trim().split('\n').length, 3);

    const server = createServer((request, response) =>
      response.end(readFileSync(join(run.runDir, 'model', request.url ?? ''))),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await selectBackend('cpu');
      const generator = await tfl.loadLayersModel(
        `http://127.0.0.1:${(server.address() as AddressInfo).port}/model.json`,
      );
      assert.deepEqual(generator.outputs[0].shape, [null, 28, 28, 1]);
      assert.deepEqual(
        generator.inputs.map((input) => input.shape),
        [
          [null, 8],
          [null, 1],
        ],
      );
    } finally {
      server.close();
    }

    const sample = gx(['sample', '--run', run.runDir, '--class', '7', '--count', '5', '-o', 'sevens.png'], {
      cwd: dir,
    });
    assert.equal(sample.status, 0, sample.stderr);
    assert.deepEqual([...readFileSync(join(dir, 'sevens.png')).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  });

  it('stops cleanly on Ctrl-C with a checkpoint, and resumes from it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'tiny.yaml'), tinyYaml);
    const child = spawn(
      process.execPath,
      [join(repoRoot, 'bin/run.js'), 'run', 'tiny.yaml', '--max-steps', '100000', '--set', 'train.epochs=100000'],
      { cwd: dir },
    );
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      // Once: a second Ctrl-C ends the run fast (see the next test).
      if (stderr.includes('step 1/') && !child.killed) child.kill('SIGINT');
    });
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(status, 130, stderr);
    const [runId] = readdirSync(join(dir, 'runs'));
    const run = JSON.parse(readFileSync(join(dir, 'runs', runId, 'run.json'), 'utf8'));
    assert.equal(run.status, 'STOPPED');
    assert.ok(existsSync(join(dir, 'runs', runId, 'checkpoint/checkpoint.json')));
    const resumed = gx(['run', '--resume', runId, '--max-steps', String(run.state.step + 2), '--json'], { cwd: dir });
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.equal(JSON.parse(resumed.stdout).state.step, run.state.step + 2);
  });
  it('a second Ctrl-C still ends the run STOPPED (KILLED in MLflow) with its checkpoint, unlocked and resumable', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'tiny.yaml'), tinyYaml);
    const child = spawn(
      process.execPath,
      [join(repoRoot, 'bin/run.js'), 'run', 'tiny.yaml', '--max-steps', '100000', '--set', 'train.epochs=100000'],
      { cwd: dir, env: { ...process.env, MLFLOW_TRACKING_URI: '' } },
    );
    let stderr = '';
    let signals = 0;
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      // The second once the first is read (two at once may arrive as one).
      if (stderr.includes('step 1/') && signals === 0) signals += Number(child.kill('SIGINT'));
      if (stderr.includes('SIGINT: stopping') && signals === 1) signals += Number(child.kill('SIGINT'));
    });
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(status, 130, stderr);
    assert.equal(signals, 2);
    const [runId] = readdirSync(join(dir, 'runs'));
    const runDir = join(dir, 'runs', runId);
    const run = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8'));
    assert.equal(run.status, 'STOPPED', stderr);
    const checkpoint = JSON.parse(readFileSync(join(runDir, 'checkpoint/checkpoint.json'), 'utf8'));
    assert.equal(checkpoint.state.step, run.state.step);
    assert.ok(!existsSync(join(runDir, 'run.lock')), 'the lock is released');
    assert.equal(localMlflowRun(join(dir, 'mlruns')).status, MLFLOW_KILLED);
    const resumed = gx(['run', '--resume', runId, '--max-steps', String(run.state.step + 2), '--json'], { cwd: dir });
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.equal(JSON.parse(resumed.stdout).state.step, run.state.step + 2);
  });
});

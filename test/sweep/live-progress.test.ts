import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sweepProgress } from '../../src/cli/sweep-progress.js';
import { runSweep } from '../../src/sweep/sweep.js';
import { tinyIn } from '../helpers/experiments.js';

describe("a sweep's live progress", () => {
  it('tells where each trial stands as it trains (step, metric, ETA), and its log file fills as it runs', async () => {
    const dir = tinyIn(
      'live',
      'tracking: { enabled: false }\nsweep: { method: grid, parameters: { train.optimizer.g.lr: [0.001] } }\n',
    );
    const runs = join(dir, 'runs');
    const lines: string[] = [];
    const stream = { isTTY: false, write: (text: string) => lines.push(text) } as unknown as NodeJS.WriteStream;
    const live = sweepProgress({ metric: 'fid', stream, plainIntervalMs: 0 });
    const logSizes: number[] = [];
    const { record } = await runSweep(
      join(dir, 'live.yaml'),
      ['train.epochs=100', 'train.sample_every=0', 'train.checkpoint_every=0', 'eval.enabled=false'],
      {
        runsDir: runs,
        maxSteps: 40,
        backend: 'cpu',
        onTrialStart: live.started,
        onTrial: live.ended,
        onProgress: (trial, progress) => {
          live.progress(trial, progress);
          // The trial still trains: what it printed so far (its first progress line) is in its log already.
          if (progress.step > 1 && progress.step < progress.steps) {
            const [sweep] = readdirSync(runs);
            logSizes.push(statSync(join(runs, sweep, 'trials', 'trial-001.log')).size);
          }
        },
      },
    );
    assert.equal(record.trials[0].status, 'FINISHED');
    const output = lines.join('');
    assert.ok(logSizes.length > 0, output);
    assert.ok(
      logSizes.every((size) => size > 0),
      `log sizes while running: ${logSizes}`,
    );
    assert.match(output, /^trial 1 running \(lr=0.001\)$/m);
    // A compact progress line: the trial's step of its total, its losses (no evaluation) and an ETA.
    assert.match(output, /^progress: 0 ended, 1 running · #1 \d+\/40 d -?[\d.]+ g -?[\d.]+ ETA [\dhms]+$/m);
    assert.match(output, /^trial 1 finished \(.*\), 40 steps: d -?[\d.]+ g -?[\d.]+$/m);
    assert.ok(
      output.split('\n').every((line) => line.length <= 120),
      output,
    );
  });
});

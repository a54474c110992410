import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sweepProgress, tableLines } from '../../src/cli/sweep-progress.js';
import type { TrialRecord } from '../../src/sweep/sweep.js';

const ESC = String.fromCharCode(27);
const trial = (index: number, status: TrialRecord['status'], values: Record<string, unknown> = {}): TrialRecord =>
  ({ index, status, values }) as TrialRecord;
const progress = (step: number, eta?: number, evaluation: Record<string, number> = {}) => ({
  step,
  steps: 300,
  losses: { d_loss: 1.23456, g_loss: 0.5 },
  evaluation,
  etaSeconds: eta,
});

describe("gx sweep's live progress", () => {
  it('on a terminal, a table of the trials redrawn in place, at most about once a second', () => {
    const writes: string[] = [];
    const stream = { isTTY: true, write: (text: string) => writes.push(text) } as unknown as NodeJS.WriteStream;
    let now = 10_000;
    const live = sweepProgress({ metric: 'fid', stream, now: () => now });
    const lr = { 'train.optimizer.g.lr': 0.0002 };
    live.started(trial(1, 'RUNNING', lr));
    live.progress(trial(1, 'RUNNING', lr), progress(12, 80));
    assert.equal(writes.length, 1, 'the second draw within a second waits');
    now += 1500;
    live.progress(trial(1, 'RUNNING', lr), progress(40, 65, { fid: 123.456 }));
    assert.equal(writes.length, 2);
    // Back up over the three lines drawn (header, trial, counts), each rewritten.
    assert.ok(writes[1].startsWith('\x1b[3A\r'), JSON.stringify(writes[1]));
    const table = writes[1].replace(new RegExp(`${ESC}\\[[0-9]*[AJK]|\r`, 'g'), '');
    assert.match(
      table,
      /^trial +run +state +step +last metric +ETA\n1 +lr=0.0002 +running +40\/300 +fid 123.5 +1m5s\n/,
    );
    live.log('gx: a warning');
    assert.match(writes.at(-2) ?? '', /gx: a warning\n$/);
    live.close();
  });

  it('the table fits 120 columns with long run names', () => {
    const long = { 'model.some.very.long.path.to.a.setting': 'x'.repeat(150), 'loss.type': 'wgan-gp' };
    const lines = tableLines([{ trial: trial(12, 'RUNNING', long), progress: progress(1, 5000) }], 'g_loss');
    assert.ok(
      lines.every((line) => line.length <= 120),
      lines.join('\n'),
    );
    assert.match(lines[1], /… +running +1\/300 +g_loss 0.5 +1h23m$/);
  });
});

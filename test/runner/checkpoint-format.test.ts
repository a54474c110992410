import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseJsonLines } from '../../src/core/jsonl.js';
import { gx, repoRoot, tempDir } from '../helpers/cli.js';

/** The losses of each step in a run's history.jsonl, by step (times and the epoch left out). */
function losses(runDir: string): Record<string, unknown>[] {
  const lines = parseJsonLines(readFileSync(join(runDir, 'history.jsonl'), 'utf8')) as Record<string, unknown>[];
  return lines.map(({ time, ...rest }) => rest);
}

describe('checkpoint formats', () => {
  it('resumes a format 2 checkpoint (written before callback states) exactly where an unbroken run goes', () => {
    // test/fixtures/format-2-run: 3 steps trained on the cpu backend by gx before checkpoint format 3.
    const dir = tempDir();
    const runDir = join(dir, 'format-2-run');
    cpSync(join(repoRoot, 'test/fixtures/format-2-run'), runDir, { recursive: true });
    const resumed = gx(['run', '--resume', runDir, '--max-steps', '6', '--json'], { cwd: dir });
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.equal(JSON.parse(resumed.stdout).state.step, 6);
    const format = JSON.parse(readFileSync(join(runDir, 'checkpoint', 'checkpoint.json'), 'utf8')).format;
    assert.equal(format, 3, 'saved again in the current format');

    const whole = gx(['run', join(runDir, 'experiment.yaml'), '--max-steps', '6', '--json'], { cwd: dir });
    assert.equal(whole.status, 0, whole.stderr);
    assert.deepEqual(losses(runDir), losses(JSON.parse(whole.stdout).runDir));
  });
});

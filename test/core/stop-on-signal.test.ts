import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, it } from 'node:test';

const MODULE = new URL('../../src/core/stop-on-signal.js', import.meta.url).href;

/** A process that listens as gx does, says when it is ready and when it was asked to stop, and stays up. */
const LISTENER = `
import { stopOnSignal } from ${JSON.stringify(MODULE)};
const stop = stopOnSignal((signal) => process.stdout.write('asked by ' + signal + '\\n'));
stop.addEventListener('abort', () => process.stdout.write('aborted\\n'));
setInterval(() => {}, 1000);
process.stdout.write('ready\\n');
`;

describe('stopOnSignal', () => {
  it('asks to stop on the first Ctrl-C and quits with 130 on the second', async () => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', LISTENER], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    const seen = (text: string) =>
      new Promise<void>((done) => {
        const check = () => out.includes(text) && done();
        child.stdout.on('data', (chunk) => {
          out += chunk;
          check();
        });
        check();
      });
    await seen('ready');
    child.kill('SIGINT');
    await seen('aborted');
    assert.match(out, /asked by SIGINT\naborted\n/);
    assert.equal(child.exitCode, null, 'the first Ctrl-C only asks');
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    assert.equal(code, 130);
  });
});

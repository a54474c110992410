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

  it('in steps, for a run: the first Ctrl-C stops, the second hurries, only the third quits with 130', async () => {
    const listener = `
import { stopInSteps } from ${JSON.stringify(MODULE)};
const say = (text) => () => process.stdout.write(text + '\\n');
const { stop, hurry } = stopInSteps(say('first'), say('second'));
stop.addEventListener('abort', say('stop aborted'));
hurry.addEventListener('abort', say('hurry aborted'));
setInterval(() => {}, 1000);
process.stdout.write('ready\\n');
`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', listener], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    const seen = async (text: string) => {
      while (!out.includes(text)) await new Promise((done) => setTimeout(done, 10));
    };
    await seen('ready');
    child.kill('SIGINT');
    await seen('stop aborted');
    child.kill('SIGTERM');
    await seen('hurry aborted');
    assert.equal(out, 'ready\nfirst\nstop aborted\nsecond\nhurry aborted\n');
    assert.equal(child.exitCode, null, 'the second Ctrl-C only hurries');
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    assert.equal(code, 130);
  });
});

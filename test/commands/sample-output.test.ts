import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { gx } from '../helpers/cli.js';
import { tinyIn } from '../helpers/experiments.js';

const PNG = [0x89, 0x50, 0x4e, 0x47];

describe('gx sample -o', () => {
  let dir = '';
  let runDir = '';
  before(() => {
    dir = tinyIn('sampled');
    const run = gx(['run', 'sampled.yaml', '--max-steps', '2', '--set', 'tracking.enabled=false', '--json'], {
      cwd: dir,
    });
    assert.equal(run.status, 0, run.stderr);
    runDir = JSON.parse(run.stdout).runDir;
  });

  it('refuses to overwrite a file unless --force', () => {
    writeFileSync(join(dir, 'mine.png'), 'my own file');
    const refused = gx(['sample', '--run', runDir, '-o', 'mine.png'], { cwd: dir });
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /^mine\.png already exists\nhint: .*--force/);
    assert.equal(readFileSync(join(dir, 'mine.png'), 'utf8'), 'my own file');

    const forced = gx(['sample', '--run', runDir, '-o', 'mine.png', '--force'], { cwd: dir });
    assert.equal(forced.status, 0, forced.stderr);
    assert.deepEqual([...readFileSync(join(dir, 'mine.png')).subarray(0, 4)], PNG);
  });

  it("never writes into the run's model or checkpoint, --force or not", () => {
    for (const target of ['model/model.json', 'model/new.png', 'checkpoint/weights.bin', 'checkpoint/x.png']) {
      const path = join(runDir, target);
      const before = (() => {
        try {
          return readFileSync(path);
        } catch {
          return undefined;
        }
      })();
      const result = gx(['sample', '--run', runDir, '-o', path, '--force'], { cwd: dir });
      assert.equal(result.status, 1, `${target}: ${result.stderr}`);
      assert.match(result.stderr, /is inside the run's (model|checkpoint)/);
      if (before) assert.ok(readFileSync(path).equals(before), `${target} unchanged`);
    }
  });

  it('says in one line, naming the path, when the folder is missing or the output is a folder', () => {
    const missing = gx(['sample', '--run', runDir, '-o', 'no/such/folder/x.png'], { cwd: dir });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^no\/such\/folder\/x\.png: no such folder\nhint: /);
    mkdirSync(join(dir, 'a-folder.png'));
    const folder = gx(['sample', '--run', runDir, '-o', 'a-folder.png', '--force'], { cwd: dir });
    assert.equal(folder.status, 1);
    assert.match(folder.stderr, /^a-folder\.png: is a folder, not a file\nhint: /);
    assert.doesNotMatch(missing.stderr + folder.stderr, /bug in gx/);
  });

  it('refuses a device, a FIFO or a symbolic link as -o, --force or not, in gx sample and gx report', () => {
    const out = join(dir, 'special');
    mkdirSync(out);
    execFileSync('mkfifo', [join(out, 'fifo')]);
    writeFileSync(join(out, 'target'), 'kept');
    symlinkSync(join(out, 'target'), join(out, 'link'));
    const special: [string, RegExp][] = [
      ['fifo', /a FIFO \(named pipe\)/],
      ['link', /a symbolic link/],
    ];
    if (process.getuid?.() === 0) {
      execFileSync('mknod', [join(out, 'full'), 'c', '1', '7']); // a copy of /dev/full, safe to lose
      special.push(['full', /a character device/]);
    }
    for (const [name, kind] of special) {
      const path = join(out, name);
      for (const args of [
        ['sample', '--run', runDir, '-o', path, '--force'],
        ['report', runDir, '-o', path, '--force'],
      ]) {
        const result = gx(args, { cwd: dir });
        assert.equal(result.status, 1, `${args[0]} ${name}: ${result.stderr}`);
        assert.match(
          result.stderr,
          new RegExp(`^${path} is ${kind.source}: gx writes only to a regular file or a new path\nhint: `),
        );
        assert.equal(lstatSync(path).isFile(), false, `${args[0]} kept ${name} as it was`);
      }
    }
    assert.equal(readFileSync(join(out, 'target'), 'utf8'), 'kept');
  });

  it("names the user's path, not gx's temporary file, when the report's folder is missing", () => {
    const missing = gx(['report', runDir, '-o', 'no/such/folder/r.html'], { cwd: dir });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^\S*no\/such\/folder\/r\.html: no such folder\nhint: /);
    assert.doesNotMatch(missing.stderr, /\.tmp/);
  });

  it('limits --count to what fits in memory', () => {
    const result = gx(['sample', '--run', runDir, '-o', 'many.png', '--count', '10001'], { cwd: dir });
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /10000/);
  });
});

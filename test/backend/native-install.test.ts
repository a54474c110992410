import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Socket } from 'node:net';
import { basename, join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import * as tf from '@tensorflow/tfjs-core';
import { findInstalls } from '../../src/backend/native/layout.js';
import { selectBackend } from '../../src/backend/select.js';
import { gx, repoRoot, tempDir } from '../helpers/cli.js';
import { tinyIn } from '../helpers/experiments.js';

/** The real Python behind any shim (pyenv's shims need pyenv on PATH). */
const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();

/** A PATH with only the named programs of this machine's PATH in it. */
function pathWith(programs: string[]): string {
  const bin = tempDir('gx-path-');
  for (const program of programs) {
    const found = (process.env.PATH ?? '').split(':').find((dir) => existsSync(join(dir, program)));
    if (found) symlinkSync(join(found, program), join(bin, program));
  }
  return bin;
}

/** pip with no configuration file and one index, at `url`, that it tries once for at most 5 s. */
function pipAt(url: string): NodeJS.ProcessEnv {
  // prettier-ignore
  return {
    PIP_CONFIG_FILE: '/dev/null',
    PIP_INDEX_URL: url,
    PIP_FIND_LINKS: '',
    PIP_RETRIES: '0',
    PIP_DEFAULT_TIMEOUT: '5',
    PYTHON: python,
  };
}

/** What an install left in a cache: nothing but its log, if it failed. */
function leftIn(cache: string): string[] {
  const native = join(cache, 'native');
  return existsSync(native) ? readdirSync(native).filter((name) => name !== 'install.log') : [];
}

describe('gx backend install: each missing prerequisite is one line, and nothing half-built stays', () => {
  it('a PATH without a C++ compiler', () => {
    const cache = tempDir();
    const result = gx(['backend', 'install'], {
      env: { GX_CACHE_DIR: cache, PATH: pathWith(['make', 'strip']), PYTHON: python, CXX: '' },
    });
    assert.equal(result.status, 1, result.stderr);
    const lines = result.stderr.trim().split('\n');
    assert.deepEqual(lines, [
      'cannot build the native backend: no C++ compiler (g++, c++ or clang++) on PATH; apt-get install g++',
      'hint: gx trains on wasm meanwhile; run gx backend install again once it is there',
    ]);
    assert.deepEqual(leftIn(cache), []);
  });

  it('a PATH without make, and a Python without pip, each named', () => {
    const cache = tempDir();
    const result = gx(['backend', 'install'], {
      env: { GX_CACHE_DIR: cache, PATH: pathWith(['g++']), PYTHON: join(tempDir(), 'no-python'), CXX: '' },
    });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^cannot build the native backend: no Python 3 \(.*no-python\); apt-get install/m);
    assert.match(result.stderr, /^cannot build the native backend: no make on PATH; apt-get install make$/m);
    assert.doesNotMatch(result.stderr, /unexpected error|at .*\.js/);
    assert.deepEqual(leftIn(cache), []);
  });

  it('a Node without its C headers (Node.js releases ship them in include/node)', () => {
    const bin = join(tempDir('gx-node-'), 'bin');
    mkdirSync(bin);
    // The same Node, in a folder with no include/ beside it (a copy where /tmp is another disk).
    try {
      linkSync(process.execPath, join(bin, 'node'));
    } catch {
      copyFileSync(process.execPath, join(bin, 'node'));
      chmodSync(join(bin, 'node'), 0o755);
    }
    const cache = tempDir();
    const result = spawnSync(join(bin, 'node'), [join(repoRoot, 'bin/run.js'), 'backend', 'install'], {
      env: { ...process.env, GX_CACHE_DIR: cache, PYTHON: python },
      encoding: 'utf8',
    });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^cannot build the native backend: no C headers of this Node in .*include\/node; /m);
    assert.deepEqual(leftIn(cache), []);
  });

  it('a cache on a disk too small for the build', (t) => {
    const cache = tempDir();
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', cache], { stdio: 'ignore' });
    } catch {
      return t.skip('mounting a small tmpfs needs root');
    }
    try {
      const result = gx(['backend', 'install'], { env: { GX_CACHE_DIR: cache, PYTHON: python } });
      assert.equal(result.status, 1);
      assert.match(result.stderr, /^cannot build the native backend: 2\.5 GB of disk needed in .*, 0\.0 GB free; /m);
      assert.deepEqual(leftIn(cache), []);
    } finally {
      execFileSync('umount', [cache]);
    }
  });

  it('a pip whose index is unreachable', () => {
    const cache = tempDir();
    const result = gx(['backend', 'install'], { env: { GX_CACHE_DIR: cache, ...pipAt('http://127.0.0.1:9/simple') } });
    assert.equal(result.status, 1);
    assert.match(
      result.stderr,
      /^pip cannot get tensorflow-cpu==[\d.]+ from http:\/\/127\.0\.0\.1:9\/simple: unreachable, or it has no wheel/m,
    );
    assert.match(result.stderr, /^hint: check pip's index-url and proxy/m);
    assert.deepEqual(leftIn(cache), []);
  });

  it('interrupted while pip waits on a server that never answers: pip and the half-made folder go', async () => {
    const connections = new Set<Socket>();
    const silent = createServer((socket) => {
      connections.add(socket);
      socket.resume(); // reads pip's request (and so sees its end), never answers
      socket.once('close', () => connections.delete(socket));
    }).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const { port } = silent.address() as { port: number };
    const cache = tempDir();
    const child = spawn(process.execPath, [join(repoRoot, 'bin/run.js'), 'backend', 'install'], {
      env: { ...process.env, GX_CACHE_DIR: cache, ...pipAt(`http://127.0.0.1:${port}/simple`) },
      stdio: 'ignore',
    });
    const exited = once(child, 'exit');
    try {
      while (connections.size === 0) await sleep(50); // pip is waiting on the server: the staging folder exists
      assert.equal(leftIn(cache).filter((name) => name.startsWith('.staging-')).length, 1);
      child.kill('SIGTERM');
      assert.deepEqual(await exited, [143, null]);
      assert.deepEqual(leftIn(cache), []);
      // pip went with it: its connection closes (it would otherwise wait out its 5 s timeout).
      for (const deadline = Date.now() + 3000; connections.size > 0 && Date.now() < deadline; ) await sleep(50);
      assert.equal(connections.size, 0, 'pip is still connected');
    } finally {
      child.kill('SIGKILL');
      for (const socket of connections) socket.destroy();
      silent.close();
    }
  });

  it('a --tf-version that is no release number, before anything runs', () => {
    const cache = tempDir();
    for (const version of ['../../escape', '', '2.21.0; rm -rf /', `2.${'1'.repeat(300)}`]) {
      const result = gx(['backend', 'install', '--tf-version', version], { env: { GX_CACHE_DIR: cache } });
      assert.equal(result.status, 1);
      assert.match(result.stderr, /^--tf-version ".*" is not a TensorFlow release number\nhint: give one like /);
    }
    assert.equal(existsSync(join(cache, 'native')), false);
  });

  it('a folder left by a killed install is removed by the next one', () => {
    const cache = tempDir();
    mkdirSync(join(cache, 'native', '.staging-999999999-abc'), { recursive: true });
    gx(['backend', 'install'], { env: { GX_CACHE_DIR: cache, ...pipAt('http://127.0.0.1:9/simple') } });
    assert.deepEqual(leftIn(cache), []);
  });
});

describe('the native backend from the cache', () => {
  it("runs on gx's own tfjs-core: one copy is loaded, and it holds the tensorflow kernels", async () => {
    await selectBackend('tensorflow');
    const cores = Object.keys(createRequire(import.meta.url).cache).filter((path) =>
      /tfjs-core[\\/]dist[\\/]tf-core\.node\.js$/.test(path),
    );
    assert.equal(cores.length, 1, cores.join(', '));
    assert.ok(tf.getKernel('Conv2DBackpropFilter', 'tensorflow'));
    assert.equal(tf.sum(tf.tensor([1, 2, 3])).dataSync()[0], 6);
  });
});

/** The real install, in a cache of its own: hard links where the disk allows, so that it costs no copy. */
async function installCopy(): Promise<{ cache: string; dir: string; binding: string }> {
  const [install] = await findInstalls();
  const cache = tempDir();
  const dir = join(cache, 'native', basename(install.dir));
  mkdirSync(join(cache, 'native'));
  try {
    execFileSync('cp', ['-al', install.dir, dir]);
  } catch {
    execFileSync('cp', ['-r', install.dir, dir]);
  }
  const binding = join(
    dir,
    'node_modules/@tensorflow/tfjs-node',
    `lib/napi-v${install.manifest.napi}/tfjs_binding.node`,
  );
  return { cache, dir, binding };
}

/** Replaces a file with new bytes (a new file: the hard-linked original stays whole). */
function replaceFile(path: string, bytes: Uint8Array | string): void {
  rmSync(path);
  writeFileSync(path, bytes);
}

describe('a damaged install: said in one line, never loaded, rebuilt by gx backend install', () => {
  it('a binding cut short (it would crash the process that maps it)', async () => {
    const { cache, binding } = await installCopy();
    const whole = readFileSync(binding);
    replaceFile(binding, whole.subarray(0, whole.length >> 1));
    const status = gx(['backend', 'status'], { env: { GX_CACHE_DIR: cache } });
    assert.equal(status.status, 0, status.stderr);
    assert.match(status.stdout, /^backend: wasm$/m);
    assert.match(
      status.stdout,
      new RegExp(
        `damaged: lib/napi-v\\d+/tfjs_binding.node is ${whole.length >> 1} bytes, it was built as ${whole.length}`,
      ),
    );
    const dir = tinyIn('damaged');
    const run = gx(['run', 'damaged.yaml', '--backend', 'tensorflow', '--max-steps', '1'], {
      cwd: dir,
      env: { GX_CACHE_DIR: cache },
    });
    assert.equal(run.status, 1);
    assert.match(
      run.stderr,
      /^native TensorFlow cannot be loaded: .* is damaged: .*\(gx backend install builds one that loads here\)\nhint: /,
    );
    const install = gx(['backend', 'install'], { env: { GX_CACHE_DIR: cache, ...pipAt('http://127.0.0.1:9/simple') } });
    assert.match(install.stderr, /^rebuilding .*: damaged: lib\/napi-v\d+\/tfjs_binding.node is/m);
    assert.match(install.stderr, /^pip cannot get tensorflow-cpu/m);
  });

  it('a binding zeroed in place (same size): install finds it does not load, and rebuilds', async () => {
    const { cache, binding } = await installCopy();
    replaceFile(binding, new Uint8Array(readFileSync(binding).length));
    const install = gx(['backend', 'install'], { env: { GX_CACHE_DIR: cache, ...pipAt('http://127.0.0.1:9/simple') } });
    assert.equal(install.status, 1);
    assert.match(install.stderr, /^rebuilding .*: it does not load \(exit 1\): .*invalid ELF header/m);
  });

  it('manifests of the wrong shape, or none, are damaged installs, not a crash', async () => {
    const { cache, dir } = await installCopy();
    replaceFile(join(dir, 'manifest.json'), '{}');
    mkdirSync(join(cache, 'native', 'tensorflow-9.9.9-elsewhere'));
    writeFileSync(join(cache, 'native', 'tensorflow-9.9.9-elsewhere', 'manifest.json'), '[]');
    mkdirSync(join(cache, 'native', 'no-manifest'));
    const status = gx(['backend', 'status', '--json'], { env: { GX_CACHE_DIR: cache } });
    assert.equal(status.status, 0, status.stderr);
    const { backend, installs } = JSON.parse(status.stdout);
    assert.equal(backend, 'wasm');
    assert.equal(installs.length, 3);
    for (const install of installs)
      assert.match(install.unusable, /^damaged: its manifest.json is missing or unreadable$/);
    const removed = gx(['backend', 'remove'], { env: { GX_CACHE_DIR: cache } });
    assert.equal(removed.status, 0, removed.stderr);
    assert.deepEqual(leftIn(cache), []);
  });
});

describe('gx backend status', () => {
  it('names the backend, the TensorFlow version and the libraries loaded from the install', async () => {
    const [install] = await findInstalls();
    assert.ok(install, 'npm test installs the native backend first (gx backend install)');
    const result = gx(['backend', 'status', '--json']);
    assert.equal(result.status, 0, result.stderr);
    const status = JSON.parse(result.stdout);
    assert.equal(status.backend, 'tensorflow');
    assert.equal(status.native, `TensorFlow ${install.manifest.tensorflow} from ${install.dir}, oneDNN convolutions`);
    for (const library of ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2', 'tfjs_binding.node'])
      assert.ok(
        status.libraries.some((path: string) => path.startsWith(install.dir) && path.endsWith(library)),
        `${library} in ${status.libraries}`,
      );
  });

  it("says so when TensorFlow's own switch, TF_ENABLE_ONEDNN_OPTS=0, keeps convolutions on Eigen", () => {
    // As a user sets it: without the mark of gx's own default, which this process inherits from its backend.
    const env = { TF_ENABLE_ONEDNN_OPTS: '0', GX_TF_ONEDNN_OPTS_DEFAULT: undefined };
    const result = gx(['backend', 'status', '--json'], { env });
    assert.equal(result.status, 0, result.stderr);
    assert.match(JSON.parse(result.stdout).native, /^TensorFlow .*, Eigen convolutions$/);
  });

  it('says why there is no native backend where none is installed, and falls back to wasm', () => {
    const result = gx(['backend', 'status'], { env: { GX_CACHE_DIR: tempDir() } });
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stdout,
      /^backend: wasm\n {2}native TensorFlow is not installed \(gx backend install builds it\)$/m,
    );
  });
});

describe('gx run --backend auto', () => {
  it('trains on the native install and records which TensorFlow it used', () => {
    const dir = tinyIn('native');
    const result = gx(['run', 'native.yaml', '--backend', 'auto', '--max-steps', '2', '--json'], { cwd: dir });
    assert.equal(result.status, 0, result.stderr);
    const run = JSON.parse(result.stdout);
    assert.equal(run.backend, 'tensorflow');
    const record = JSON.parse(readFileSync(join(run.runDir, 'run.json'), 'utf8'));
    assert.match(record.backendLibrary, /^TensorFlow \d+\.\d+\.\d+ from .*native/);
    assert.doesNotMatch(result.stderr, /training on/);
  });

  it('without a native install trains on wasm, and says why in one line', () => {
    const dir = tinyIn('fallback');
    const result = gx(['run', 'fallback.yaml', '--backend', 'auto', '--max-steps', '2', '--json'], {
      cwd: dir,
      env: { GX_CACHE_DIR: tempDir() },
    });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).backend, 'wasm');
    assert.deepEqual(
      result.stderr.split('\n').filter((line) => line.includes('native')),
      ['gx: training on wasm: native TensorFlow is not installed (gx backend install builds it)'],
    );
  });
});

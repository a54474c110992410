import { existsSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { delimiter, dirname, join, resolve } from 'node:path';
import { GxError } from '../../errors.js';
import { exec } from './exec.js';
import { nativeRoot } from './layout.js';

/** The programs an install runs, each found before anything is downloaded. */
export interface Toolchain {
  python: string;
  /** The C++ compiler node-gyp's makefiles use (CXX). */
  compiler: string;
  /** node-gyp's script, run with this Node. */
  nodeGyp: string;
  /** npm's script, run with this Node (for `npm pack`). */
  npm: string;
  /** The folder whose include/node holds this Node's C headers. */
  nodeDir: string;
}

interface Missing {
  what: string;
  install: string;
}

/**
 * Checks everything a build needs and says, one line each, what is missing and how to get it: Python with pip, a
 * C++ compiler, make, Node's headers, npm's node-gyp, and free disk for the download and the build.
 */
export async function findToolchain(freeBytesNeeded: number): Promise<Toolchain> {
  if (process.platform !== 'linux')
    throw new GxError(
      'NATIVE_UNSUPPORTED',
      `gx backend install builds on Linux; this is ${process.platform}`,
      'npm install @tensorflow/tfjs-node, which downloads a prebuilt binding for this platform',
    );
  const missing: Missing[] = [];
  const python = process.env.PYTHON ?? 'python3';
  const pip = await exec(python, ['-m', 'pip', '--version']).catch(() => undefined);
  if (!pip) missing.push({ what: `Python 3 (${python})`, install: 'apt-get install python3 python3-pip' });
  else if (pip.code !== 0) missing.push({ what: `pip for ${python}`, install: 'apt-get install python3-pip' });
  const compiler = process.env.CXX ?? ['g++', 'c++', 'clang++'].find(onPath);
  if (!compiler || !onPath(compiler)) missing.push({ what: 'a C++ compiler (g++)', install: 'apt-get install g++' });
  if (!onPath('make')) missing.push({ what: 'make', install: 'apt-get install make' });
  const nodeDir = resolve(dirname(process.execPath), '..');
  if (!existsSync(join(nodeDir, 'include', 'node', 'node_api.h')))
    missing.push({
      what: `Node's C headers (${join(nodeDir, 'include', 'node')})`,
      install: 'apt-get install libnode-dev, or use a Node.js release from nodejs.org, which ships them',
    });
  const npm = npmScript(nodeDir);
  const nodeGyp = npm && join(dirname(dirname(npm)), 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (!npm || !nodeGyp || !existsSync(nodeGyp))
    missing.push({ what: "npm's node-gyp", install: 'reinstall npm (it bundles node-gyp)' });
  const free = await freeBytes();
  if (free < freeBytesNeeded)
    missing.push({
      what: `${gigabytes(freeBytesNeeded)} free in ${freeAt()} (${gigabytes(free)} free)`,
      install: 'free some space, or set GX_CACHE_DIR to a folder on a larger disk',
    });
  if (missing.length > 0 || !npm || !nodeGyp || !compiler)
    throw new GxError(
      'NATIVE_PREREQUISITE',
      missing.map((m) => `cannot build the native backend: no ${m.what}; ${m.install}`).join('\n'),
      'gx trains on wasm meanwhile; run gx backend install again once it is there',
    );
  return { python, compiler, nodeGyp, npm, nodeDir };
}

function onPath(program: string): boolean {
  if (program.includes('/')) return existsSync(program);
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, program)));
}

/** npm's CLI script: the one running gx (npx, npm run), else the one installed beside this Node. */
function npmScript(nodeDir: string): string | undefined {
  const candidates = [
    process.env.npm_execpath && join(dirname(process.env.npm_execpath), 'npm-cli.js'),
    join(nodeDir, 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
  ];
  return candidates.find((path): path is string => Boolean(path && existsSync(path)));
}

/** The cache may not exist yet: measure the disk of its nearest existing ancestor. */
function freeAt(): string {
  let dir = nativeRoot();
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

async function freeBytes(): Promise<number> {
  const stats = await statfs(freeAt());
  return stats.bavail * stats.bsize;
}

export function gigabytes(bytes: number): string {
  return `${(bytes / 1e9).toFixed(1)} GB`;
}

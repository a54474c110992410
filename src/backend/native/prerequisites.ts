import { existsSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { delimiter, dirname, join, resolve } from 'node:path';
import { GxError } from '../../errors.js';
import { nativeRoot } from './layout.js';
import { exec, type Toolchain } from './shell.js';

/** A prerequisite that is not there, and how to get it. */
interface Missing {
  problem: string;
  fix: string;
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
  if (!pip) missing.push({ problem: `no Python 3 (${python})`, fix: 'apt-get install python3 python3-pip' });
  else if (pip.code !== 0) missing.push({ problem: `no pip for ${python}`, fix: 'apt-get install python3-pip' });
  const compiler = process.env.CXX ?? ['g++', 'c++', 'clang++'].find(onPath);
  if (!compiler || !onPath(compiler))
    missing.push({ problem: 'no C++ compiler (g++, c++ or clang++) on PATH', fix: 'apt-get install g++' });
  if (!onPath('make')) missing.push({ problem: 'no make on PATH', fix: 'apt-get install make' });
  if (!onPath('strip')) missing.push({ problem: 'no strip (binutils) on PATH', fix: 'apt-get install binutils' });
  const nodeDir = resolve(dirname(process.execPath), '..');
  const headers = join(nodeDir, 'include', 'node');
  if (!existsSync(join(headers, 'node_api.h')))
    missing.push({
      problem: `no C headers of this Node in ${headers}`,
      fix: 'apt-get install libnode-dev, or use a Node.js release from nodejs.org, which ships them',
    });
  const npm = npmScript(nodeDir);
  const nodeGyp = npm && join(dirname(dirname(npm)), 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (!nodeGyp || !existsSync(nodeGyp))
    missing.push({ problem: 'no node-gyp beside npm', fix: 'reinstall npm, which bundles it' });
  const free = await freeBytes();
  if (free < freeBytesNeeded)
    missing.push({
      problem: `${gigabytes(freeBytesNeeded)} of disk needed in ${freeAt()}, ${gigabytes(free)} free`,
      fix: 'free some space, or set GX_CACHE_DIR to a folder on a larger disk',
    });
  if (missing.length > 0 || !npm || !nodeGyp || !compiler)
    throw new GxError(
      'NATIVE_PREREQUISITE',
      missing.map((m) => `cannot build the native backend: ${m.problem}; ${m.fix}`).join('\n'),
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

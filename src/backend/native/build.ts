import { copyFile, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GxError } from '../../errors.js';
import { npmPack } from './download.js';
import { type NativeManifest, tfjsVersion } from './layout.js';
import { tfjsCoreStub } from './load.js';
import { exec, type Finished, type InstallShell, lastErrorLine } from './shell.js';

/** What TensorFlow's C API headers need of the wheel's include/ folder (the binding includes c_api.h). */
const headerPatterns = [
  'tensorflow/include/tensorflow/c/*',
  'tensorflow/include/tensorflow/core/platform/ctstring*',
  'tensorflow/include/tsl/platform/ctstring*',
  'tensorflow/include/xla/tsl/c/*',
];
const libraries = ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2'];

/** TensorFlow's C library and headers into tfjs-node's deps/, where its binding.gyp looks for them. */
export async function unpackTensorflow(
  shell: InstallShell,
  [tensorflow, ...cuda]: string[],
  unpacked: string,
  deps: string,
): Promise<void> {
  await shell.unpack(tensorflow, join(deps, 'include'), 'tensorflow/include/', headerPatterns);
  await shell.unpack(
    tensorflow,
    unpacked,
    'tensorflow/',
    libraries.map((name) => `tensorflow/${name}`),
  );
  await mkdir(join(deps, 'lib'), { recursive: true });
  for (const name of libraries) {
    // Debug symbols are a quarter of the library and of no use to the binding.
    await shell.run('strip', ['--strip-unneeded', '-o', join(deps, 'lib', name), join(unpacked, name)]);
    await rm(join(unpacked, name));
  }
  // binding.gyp links -ltensorflow -ltensorflow_framework; at run time the libraries' own names are looked up.
  await symlink('libtensorflow_cc.so.2', join(deps, 'lib', 'libtensorflow.so'));
  await symlink('libtensorflow_framework.so.2', join(deps, 'lib', 'libtensorflow_framework.so'));
  // The GPU wheel's libraries look for CUDA in $ORIGIN/../nvidia/<library>/lib: deps/nvidia, as pip lays it out.
  for (const wheel of cuda) await shell.unpack(wheel, join(deps, 'nvidia'), 'nvidia/', ['nvidia/*']);
}

/**
 * tfjs-node's package (its install script, which downloads from Google's storage, is never run) in the install's
 * node_modules, with the one dependency its backend loads, and stubs that hand it gx's own tfjs-core.
 */
export async function unpackTfjsNode(shell: InstallShell, packs: string, build: string): Promise<void> {
  const modules = join(build, 'node_modules');
  const tfjsNode = await npmPack(shell, `@tensorflow/tfjs-node@${tfjsVersion}`, packs);
  await shell.unpack(tfjsNode, join(modules, '@tensorflow', 'tfjs-node'), 'package/', ['package/*']);
  // Its backend's TensorBoard support loads google-protobuf at start-up; the rest of its dependencies are unused.
  const manifest = JSON.parse(await readFile(join(modules, '@tensorflow', 'tfjs-node', 'package.json'), 'utf8'));
  const protobuf = await npmPack(shell, `google-protobuf@${manifest.dependencies['google-protobuf']}`, packs);
  await shell.unpack(protobuf, join(modules, 'google-protobuf'), 'package/', ['package/*']);
  for (const name of ['tfjs', 'tfjs-core']) {
    const stub = join(modules, '@tensorflow', name);
    await mkdir(stub, { recursive: true });
    await writeFile(join(stub, 'package.json'), JSON.stringify({ name: `@tensorflow/${name}`, main: 'index.js' }));
    await writeFile(join(stub, 'index.js'), tfjsCoreStub);
  }
}

/** Compiles the binding with this Node's headers (node-gyp would otherwise download them); returns its N-API version. */
export async function buildBinding(shell: InstallShell, pkg: string): Promise<number> {
  const { tools } = shell;
  const manifest = JSON.parse(await readFile(join(pkg, 'package.json'), 'utf8'));
  const napi = Math.max(
    ...(manifest.binary.napi_versions as number[]).filter((v) => v <= Number(process.versions.napi)),
  );
  const modulePath = `lib/napi-v${napi}`;
  // prettier-ignore
  const args = [
    tools.nodeGyp,
    'rebuild',
    `--nodedir=${tools.nodeDir}`,
    `--napi_build_version=${napi}`,
    '--module_name=tfjs_binding',
    `--module_path=${modulePath}`,
    '--jobs=max',
  ];
  await shell.run(process.execPath, args, { cwd: pkg, env: { ...process.env, CXX: tools.compiler } }, 'NATIVE_BUILD');
  await mkdir(join(pkg, modulePath), { recursive: true });
  await copyFile(join(pkg, 'build', 'Release', 'tfjs_binding.node'), join(pkg, modulePath, 'tfjs_binding.node'));
  await rm(join(pkg, 'build'), { recursive: true, force: true });
  return napi;
}

/**
 * Loads a build in a process of its own (a library that does not load, or crashes, must not take gx with it) and
 * compares a convolution's gradients with the cpu backend's: what it reports, or why it is not fit to use.
 */
export async function probeBuild(
  dir: string,
  napi: number,
  tfVersion: string,
  run: (program: string, args: string[]) => Promise<Finished> = exec,
): Promise<{ check: NativeManifest['check'] } | { problem: string }> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'check.js');
  const result = await run(process.execPath, [script, dir, String(napi)]);
  if (result.code !== 0)
    return { problem: `it does not load (${result.signal ?? `exit ${result.code}`}): ${lastErrorLine(result.stderr)}` };
  const check = JSON.parse(result.stdout) as NativeManifest['check'];
  if (check.tfVersion !== tfVersion || !(check.convGradientMaxError < 1e-4))
    return {
      problem: `it reports TensorFlow ${check.tfVersion} and a gradient error of ${check.convGradientMaxError} against the cpu backend, not ${tfVersion} and below 1e-4`,
    };
  return { check };
}

/** probeBuild() for a new build, whose failure ends the install. */
export async function checkBuild(shell: InstallShell, dir: string, napi: number, tfVersion: string) {
  const probe = await probeBuild(dir, napi, tfVersion, (program, args) => shell.exec(program, args));
  if ('problem' in probe)
    throw new GxError('NATIVE_CHECK', `the new binding: ${probe.problem}`, `the build output is in ${shell.logPath}`);
  return probe.check;
}

import { randomBytes } from 'node:crypto';
import { createWriteStream, rmSync } from 'node:fs';
import {
  copyFile,
  mkdir,
  mkdtemp,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GxError } from '../../errors.js';
import { exec, type Finished, lastErrorLine } from './exec.js';
import {
  DEFAULT_TF_VERSION,
  installFolder,
  type NativeInstall,
  type NativeManifest,
  type NativeVariant,
  nativeRoot,
  nativeVariants,
  packageFolder,
  readManifest,
  tfjsVersion,
} from './layout.js';
import { tfjsCoreStub } from './load.js';
import { findToolchain, type Toolchain } from './prerequisites.js';
import { unpackScript } from './unpack-script.js';

export interface InstallOptions {
  variant: NativeVariant;
  tfVersion: string;
  /** Build again even where a complete install exists. */
  force?: boolean;
  /** Progress, a line at a time. */
  log: (line: string) => void;
}

/** Room for the wheels, their unpacked libraries and the build, measured with TensorFlow 2.21 (and a margin). */
const freeBytesNeeded = { tensorflow: 2.5e9, 'tensorflow-gpu': 12e9 } as const;

/** What TensorFlow's C API headers need of the wheel's include/ folder (the binding includes c_api.h). */
const headerPatterns = [
  'tensorflow/include/tensorflow/c/*',
  'tensorflow/include/tensorflow/core/platform/ctstring*',
  'tensorflow/include/tsl/platform/ctstring*',
  'tensorflow/include/xla/tsl/c/*',
];
const libraries = ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2'];

/**
 * Builds the native backend without Google's download: TensorFlow's C library from a PyPI wheel (fetched with the
 * user's own pip), tfjs-node's N-API binding compiled against it, checked in a separate process, then moved into
 * gx's cache in one rename. A failure or an interruption leaves nothing behind but the log.
 */
export async function installNative(options: InstallOptions): Promise<NativeInstall & { reused: boolean }> {
  // The version names a folder and a pip requirement: only a release number may stand there.
  if (!/^\d{1,3}(\.\d{1,3}){1,2}((a|b|rc)\d{1,3})?$/.test(options.tfVersion))
    throw new GxError(
      'NATIVE_VERSION',
      `--tf-version ${JSON.stringify(options.tfVersion.slice(0, 40))} is not a TensorFlow release number`,
      `give one like ${DEFAULT_TF_VERSION}; \`pip index versions tensorflow-cpu\` lists them`,
    );
  const target = installFolder(options.variant, options.tfVersion);
  const existing = await readManifest(target);
  if (existing && !options.force) return { dir: target, manifest: existing, reused: true };
  const tools = await findToolchain(freeBytesNeeded[options.variant]);
  await mkdir(nativeRoot(), { recursive: true });
  await removeAbandonedFolders();
  const staging = await mkdtemp(join(nativeRoot(), `.staging-${process.pid}-`));
  const logPath = join(nativeRoot(), 'install.log');
  const log = createWriteStream(logPath);
  const step = new Steps(tools, logPath, (line) => log.write(`${line}\n`));
  // An interrupted install stops the program it runs and removes its half-built folder before it goes.
  const interrupted = (signal: NodeJS.Signals) => {
    step.stop.abort();
    rmSync(staging, { recursive: true, force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  try {
    const build = join(staging, 'install');
    const pkg = packageFolder(build);
    options.log(`downloading TensorFlow ${options.tfVersion} (${nativeVariants[options.variant].wheel}) with pip`);
    const wheels = await step.downloadWheels(options.variant, options.tfVersion, join(staging, 'wheels'));
    options.log("unpacking TensorFlow's C library");
    await step.unpackTensorflow(wheels, join(staging, 'unpacked'), join(pkg, 'deps'));
    options.log(`fetching @tensorflow/tfjs-node@${tfjsVersion} with npm (its install script is not run)`);
    await step.unpackTfjsNode(join(staging, 'packs'), build);
    options.log('building the N-API binding (about 20 s)');
    const napi = await step.buildBinding(pkg, tools);
    options.log('checking it: loads, reports its version, a convolution gradient equals the cpu backend');
    const check = await step.check(build, napi, options.tfVersion);
    const manifest: NativeManifest = {
      variant: options.variant,
      tensorflow: options.tfVersion,
      tfjsNode: tfjsVersion,
      napi,
      platform: process.platform,
      arch: process.arch,
      wheels: wheels.map((wheel) => wheel.split('/').at(-1) ?? wheel),
      libraries: await librarySizes(join(pkg, 'deps')),
      check,
      installedAt: new Date().toISOString(),
    };
    await writeFile(join(build, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    // On disk before it is in place: a crash after the rename must not leave a manifest beside empty libraries.
    await syncTree(build);
    await replaceFolder(build, target);
    return { dir: target, manifest, reused: false };
  } finally {
    process.off('SIGINT', interrupted).off('SIGTERM', interrupted);
    log.end();
    await rm(staging, { recursive: true, force: true });
  }
}

/** The install's steps, each a program run with its output in the log and its failure said in one line. */
class Steps {
  /** Ends the program running now, when the install is interrupted. */
  readonly stop = new AbortController();

  constructor(
    private readonly tools: Toolchain,
    private readonly logPath: string,
    private readonly log: (line: string) => void,
  ) {}

  async downloadWheels(variant: NativeVariant, tfVersion: string, dest: string): Promise<string[]> {
    const wheel = `${nativeVariants[variant].wheel}==${tfVersion}`;
    await this.pip(wheel, dest);
    const [tensorflow] = await readdir(dest);
    if (!nativeVariants[variant].cuda) return [join(dest, tensorflow)];
    // The CUDA libraries TensorFlow's `and-cuda` extra names, at the versions it names.
    const metadata = await this.python(
      'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(next(z.read(n).decode() for n in z.namelist() if n.endswith(".dist-info/METADATA")))',
      [join(dest, tensorflow)],
    );
    const cuda = metadata
      .split('\n')
      .filter((line) => line.startsWith('Requires-Dist:') && line.includes('extra == "and-cuda"'))
      .map((line) => line.slice('Requires-Dist:'.length).split(';')[0].replaceAll(' ', ''));
    if (cuda.length === 0) throw new GxError('NATIVE_NO_CUDA', `${wheel} names no CUDA libraries (no and-cuda extra)`);
    await this.pip(cuda, dest);
    return (await readdir(dest)).map((name) => join(dest, name));
  }

  async unpackTensorflow(wheels: string[], unpacked: string, deps: string): Promise<void> {
    const [tensorflow, ...cuda] = wheels.sort(
      (a, b) => Number(a.includes('/nvidia_')) - Number(b.includes('/nvidia_')),
    );
    await this.unpack(tensorflow, join(deps, 'include'), 'tensorflow/include/', headerPatterns);
    await this.unpack(
      tensorflow,
      unpacked,
      'tensorflow/',
      libraries.map((name) => `tensorflow/${name}`),
    );
    await mkdir(join(deps, 'lib'), { recursive: true });
    for (const name of libraries) {
      // Debug symbols are a quarter of the library and of no use to the binding.
      await this.run('strip', ['--strip-unneeded', '-o', join(deps, 'lib', name), join(unpacked, name)]);
      await rm(join(unpacked, name));
    }
    // binding.gyp links -ltensorflow -ltensorflow_framework; at run time the libraries' own names are looked up.
    await symlink('libtensorflow_cc.so.2', join(deps, 'lib', 'libtensorflow.so'));
    await symlink('libtensorflow_framework.so.2', join(deps, 'lib', 'libtensorflow_framework.so'));
    // The GPU wheel's libraries look for CUDA in $ORIGIN/../nvidia/<library>/lib: deps/nvidia, as pip lays it out.
    for (const wheel of cuda) await this.unpack(wheel, join(deps, 'nvidia'), 'nvidia/', ['nvidia/*']);
  }

  async unpackTfjsNode(packs: string, build: string): Promise<void> {
    const modules = join(build, 'node_modules');
    const tfjsNode = await this.npmPack(`@tensorflow/tfjs-node@${tfjsVersion}`, packs);
    await this.unpack(tfjsNode, join(modules, '@tensorflow', 'tfjs-node'), 'package/', ['package/*']);
    // Its backend's TensorBoard support loads google-protobuf at start-up; the rest of its dependencies are unused.
    const manifest = JSON.parse(await readFile(join(modules, '@tensorflow', 'tfjs-node', 'package.json'), 'utf8'));
    const protobuf = await this.npmPack(`google-protobuf@${manifest.dependencies['google-protobuf']}`, packs);
    await this.unpack(protobuf, join(modules, 'google-protobuf'), 'package/', ['package/*']);
    for (const name of ['tfjs', 'tfjs-core']) {
      const stub = join(modules, '@tensorflow', name);
      await mkdir(stub, { recursive: true });
      await writeFile(join(stub, 'package.json'), JSON.stringify({ name: `@tensorflow/${name}`, main: 'index.js' }));
      await writeFile(join(stub, 'index.js'), tfjsCoreStub);
    }
  }

  /** Compiles the binding with this Node's headers (node-gyp would otherwise download them); returns its N-API version. */
  async buildBinding(pkg: string, tools: Toolchain): Promise<number> {
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
    await this.run(process.execPath, args, { cwd: pkg, env: { ...process.env, CXX: tools.compiler } }, 'NATIVE_BUILD');
    await mkdir(join(pkg, modulePath), { recursive: true });
    await copyFile(join(pkg, 'build', 'Release', 'tfjs_binding.node'), join(pkg, modulePath, 'tfjs_binding.node'));
    await rm(join(pkg, 'build'), { recursive: true, force: true });
    return napi;
  }

  private async pip(requirements: string | string[], dest: string): Promise<void> {
    // prettier-ignore
    const args = [
      '-m',
      'pip',
      'download',
      '--no-deps',
      '--only-binary=:all:',
      '--progress-bar',
      'off',
      '--dest',
      dest,
      ...[requirements].flat(),
    ];
    const result = await this.exec(this.tools.python, args);
    if (result.code === 0) return;
    const output = `${result.stdout}\n${result.stderr}`;
    const wanted = [requirements].flat().join(' ');
    if (/No space left/i.test(output)) throw diskFull(this.logPath);
    // pip says "from versions: none" both when its index cannot be reached and when it does not serve the package.
    const connection = /NewConnectionError|ConnectTimeout|ProxyError|SSLError|\(from versions: none\)/.exec(output);
    const indexes = redactCredentials(/Looking in indexes: (.*)/.exec(output)?.[1] ?? 'its default index');
    if (connection)
      throw new GxError(
        'NATIVE_INDEX_UNREACHABLE',
        `pip cannot get ${wanted} from ${indexes}: ${connection[0] === '(from versions: none)' ? 'unreachable, or it has no wheel of it for this Python and platform' : connection[0]}`,
        "check pip's index-url and proxy (pip config list; HTTPS_PROXY), then run gx backend install again",
      );
    const versions = /\(from versions: (.*)\)/.exec(output)?.[1];
    if (versions)
      throw new GxError(
        'NATIVE_NO_WHEEL',
        `pip finds no wheel of ${wanted} for this Python and platform`,
        `choose one of ${versions.split(', ').slice(-5).join(', ')} with gx backend install --tf-version`,
      );
    throw this.failed('NATIVE_DOWNLOAD', 'pip download', result);
  }

  private async npmPack(spec: string, dest: string): Promise<string> {
    await mkdir(dest, { recursive: true });
    const args = [this.tools.npm, 'pack', '--silent', '--pack-destination', dest, spec];
    const result = await this.exec(process.execPath, args);
    if (result.code !== 0)
      throw new GxError(
        'NATIVE_NPM',
        `npm cannot fetch ${spec}: ${lastErrorLine(result.stderr)}`,
        "check npm's registry and proxy (npm config list), then run gx backend install again",
      );
    return join(dest, result.stdout.trim().split('\n').at(-1) ?? '');
  }

  private async unpack(archive: string, dest: string, prefix: string, patterns: string[]): Promise<void> {
    await this.python(unpackScript, [archive, dest, prefix, ...patterns]);
  }

  private async python(script: string, args: string[]): Promise<string> {
    return (await this.run(this.tools.python, ['-c', script, ...args])).stdout;
  }

  private async run(
    program: string,
    args: string[],
    options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
    code = 'NATIVE_INSTALL',
  ): Promise<Finished> {
    const result = await this.exec(program, args, options);
    if (result.code !== 0) {
      if (/No space left/i.test(`${result.stdout}${result.stderr}`)) throw diskFull(this.logPath);
      throw this.failed(code, program.split('/').at(-1) ?? program, result);
    }
    return result;
  }

  /**
   * Loads the new build in a process of its own (a library that does not load, or crashes, must not take gx with
   * it) and compares a convolution's gradients with the cpu backend's.
   */
  async check(dir: string, napi: number, tfVersion: string): Promise<NativeManifest['check']> {
    const script = join(dirname(fileURLToPath(import.meta.url)), 'check.js');
    const result = await this.exec(process.execPath, [script, dir, String(napi)]);
    const check = result.code === 0 ? (JSON.parse(result.stdout) as NativeManifest['check']) : undefined;
    if (!check)
      throw new GxError(
        'NATIVE_CHECK',
        `the new binding does not load: ${lastErrorLine(result.stderr)}`,
        `the build output is in ${this.logPath}`,
      );
    if (check.tfVersion !== tfVersion || !(check.convGradientMaxError < 1e-4))
      throw new GxError(
        'NATIVE_CHECK',
        `the new binding reports TensorFlow ${check.tfVersion} and a gradient error of ${check.convGradientMaxError} against the cpu backend`,
        `expected TensorFlow ${tfVersion} and an error below 1e-4; the build output is in ${this.logPath}`,
      );
    return check;
  }

  private exec(program: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
    this.log(`$ ${program} ${args.join(' ').slice(0, 300)}`);
    return exec(program, args, { ...options, onLine: this.log, signal: this.stop.signal });
  }

  private failed(code: string, what: string, result: Finished): GxError {
    return new GxError(
      code,
      `${what} failed (exit ${result.code}): ${lastErrorLine(`${result.stdout}\n${result.stderr}`)}`,
      `the whole output is in ${this.logPath}`,
    );
  }
}

/** pip hides index passwords itself; this makes sure of it. */
function redactCredentials(text: string): string {
  return text.replace(/\/\/[^/@\s]+@/g, '//***@');
}

function diskFull(logPath: string): GxError {
  return new GxError(
    'NATIVE_DISK_FULL',
    `no space left on the disk of ${nativeRoot()} while installing the native backend`,
    `free some space or set GX_CACHE_DIR to a larger disk; the output is in ${logPath}`,
  );
}

async function librarySizes(deps: string): Promise<Record<string, number>> {
  const sizes: Record<string, number> = {};
  for (const entry of await readdir(deps, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && /\.so(\.|$)/.test(entry.name)) {
      const path = join(entry.parentPath, entry.name);
      sizes[path.slice(deps.length + 1)] = (await stat(path)).size;
    }
  }
  return sizes;
}

async function syncTree(dir: string): Promise<void> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const paths = [dir, ...entries.filter((e) => e.isFile() || e.isDirectory()).map((e) => join(e.parentPath, e.name))];
  for (const path of paths) {
    const handle = await open(path, 'r');
    await handle.sync().finally(() => handle.close());
  }
}

/** Puts a finished build in place of the old install, if any. */
async function replaceFolder(build: string, target: string): Promise<void> {
  await discard(target);
  await rename(build, target);
}

/** Folders left by an install that was killed (its process is gone). */
async function removeAbandonedFolders(): Promise<void> {
  for (const name of await readdir(nativeRoot())) {
    const pid = /^\.(?:staging|old)-(\d+)-/.exec(name)?.[1];
    if (pid && !isRunning(Number(pid))) await rm(join(nativeRoot(), name), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Deletes an install: moved aside first, so that a half-deleted folder never looks like an install. */
export async function discard(dir: string): Promise<void> {
  const old = join(nativeRoot(), `.old-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await rename(dir, old);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  await rm(old, { recursive: true, force: true });
}

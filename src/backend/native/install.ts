import { randomBytes } from 'node:crypto';
import { createWriteStream, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { syncFile, syncFolder } from '../../atomic-files.js';
import { GxError } from '../../errors.js';
import { buildBinding, checkBuild, probeBuild, unpackTensorflow, unpackTfjsNode } from './build.js';
import { downloadWheels } from './download.js';
import {
  DEFAULT_TF_VERSION,
  findInstalls,
  installFolder,
  type NativeInstall,
  type NativeManifest,
  type NativeVariant,
  nativeRoot,
  nativeVariants,
  packageFolder,
  tfjsVersion,
} from './layout.js';
import { findToolchain } from './prerequisites.js';
import { InstallShell } from './shell.js';

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

/**
 * Builds the native backend without Google's download: TensorFlow's C library from a PyPI wheel (fetched with the
 * user's own pip), tfjs-node's N-API binding compiled against it, checked in a separate process, then moved into
 * gx's cache in one rename. A failure or an interruption leaves nothing behind but the log.
 */
export async function installNative(options: InstallOptions): Promise<NativeInstall & { reused: boolean }> {
  // The version names a folder and a pip requirement: only a release number may stand there.
  if (!/^\d{1,3}\.\d{1,3}\.\d{1,3}((a|b|rc)\d{1,3})?$/.test(options.tfVersion))
    throw new GxError(
      'NATIVE_VERSION',
      `--tf-version ${JSON.stringify(options.tfVersion.slice(0, 40))} is not a TensorFlow release number`,
      `give one like ${DEFAULT_TF_VERSION}; \`pip index versions tensorflow-cpu\` lists them`,
    );
  const target = installFolder(options.variant, options.tfVersion);
  await removeAbandonedFolders();
  const existing = (await findInstalls()).find((install) => install.dir === target);
  if (existing && !options.force) {
    const problem = existing.unusable ?? (await usableInstallProblem(existing));
    if (!problem) return { ...existing, reused: true };
    options.log(`rebuilding ${target}: ${problem}`);
  }
  const tools = await findToolchain(freeBytesNeeded[options.variant]);
  await mkdir(nativeRoot(), { recursive: true });
  const staging = await mkdtemp(join(nativeRoot(), `.staging-${process.pid}-`));
  const logPath = join(nativeRoot(), 'install.log');
  const log = createWriteStream(logPath);
  const shell = new InstallShell(tools, logPath, (line) => log.write(`${line}\n`));
  // An interrupted install stops the program it runs and removes its half-built folder before it goes.
  const interrupted = (signal: NodeJS.Signals) => {
    shell.stop.abort();
    rmSync(staging, { recursive: true, force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  try {
    const build = join(staging, 'install');
    const pkg = packageFolder(build);
    options.log(`downloading TensorFlow ${options.tfVersion} (${nativeVariants[options.variant].wheel}) with pip`);
    const wheels = await downloadWheels(shell, options.variant, options.tfVersion, join(staging, 'wheels'));
    options.log("unpacking TensorFlow's C library");
    await unpackTensorflow(shell, wheels, join(staging, 'unpacked'), join(pkg, 'deps'));
    options.log(`fetching @tensorflow/tfjs-node@${tfjsVersion} with npm (its install script is not run)`);
    await unpackTfjsNode(shell, join(staging, 'packs'), build);
    options.log('building the N-API binding (about 20 s)');
    const napi = await buildBinding(shell, pkg);
    options.log('checking it: loads, reports its version, a convolution gradient equals the cpu backend');
    const check = await checkBuild(shell, build, napi, options.tfVersion);
    const manifest: NativeManifest = {
      variant: options.variant,
      tensorflow: options.tfVersion,
      tfjsNode: tfjsVersion,
      napi,
      platform: process.platform,
      arch: process.arch,
      wheels: wheels.map((wheel) => wheel.split('/').at(-1) ?? wheel),
      libraries: await librarySizes(pkg),
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

/** The shared libraries and the binding, by path in the package folder, with their sizes (checked before loading). */
async function librarySizes(pkg: string): Promise<Record<string, number>> {
  const sizes: Record<string, number> = {};
  for (const entry of await readdir(pkg, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && /\.so(\.|$)|\.node$/.test(entry.name)) {
      const path = join(entry.parentPath, entry.name);
      sizes[path.slice(pkg.length + 1)] = (await stat(path)).size;
    }
  }
  return sizes;
}

/** An install whose files are all there can still fail to load (a library zeroed in place): try it, apart. */
async function usableInstallProblem({ dir, manifest }: NativeInstall): Promise<string | undefined> {
  const probe = await probeBuild(dir, manifest.napi, manifest.tensorflow);
  return 'problem' in probe ? probe.problem : undefined;
}

async function syncTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) await syncFile(join(entry.parentPath, entry.name));
    if (entry.isDirectory()) await syncFolder(join(entry.parentPath, entry.name));
  }
  await syncFolder(dir);
}

/** Puts a finished build in place of the old install, if any. */
async function replaceFolder(build: string, target: string): Promise<void> {
  await discard(target);
  await rename(build, target);
}

/** Folders left by an install that was killed (its process is gone). */
export async function removeAbandonedFolders(): Promise<void> {
  for (const name of await readdir(nativeRoot()).catch(() => [])) {
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

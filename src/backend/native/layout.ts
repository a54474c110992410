import { readdir, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { cacheDir } from '../../data/cache-dir.js';

/**
 * The native builds `gx backend install` makes: TensorFlow's C library from a PyPI wheel, with tfjs-node's N-API
 * binding built against it. `tensorflow-gpu` takes the full wheel, which carries the CUDA kernels, and the NVIDIA
 * CUDA 12 runtime wheels that TensorFlow's own `and-cuda` extra names.
 */
export const nativeVariants = {
  tensorflow: { wheel: 'tensorflow-cpu', cuda: false },
  'tensorflow-gpu': { wheel: 'tensorflow', cuda: true },
} as const;
export type NativeVariant = keyof typeof nativeVariants;

/** The TensorFlow release gx is measured and tested with (the newest on PyPI when this was written). */
export const DEFAULT_TF_VERSION = '2.21.0';

/** What an install folder says of itself; written last, so a folder without it is no install. */
export interface NativeManifest {
  variant: NativeVariant;
  tensorflow: string;
  tfjsNode: string;
  napi: number;
  platform: string;
  arch: string;
  wheels: string[];
  /** The shared libraries and the binding, by their paths in tfjs-node's package folder, with their sizes in bytes. */
  libraries: Record<string, number>;
  check: { tfVersion: string; convGradientMaxError: number };
  installedAt: string;
}

export interface NativeInstall {
  dir: string;
  manifest: NativeManifest;
  /** Why this gx cannot load it (built for another tfjs, a library cut short, ...), if it cannot. */
  unusable?: string;
}

/** gx's tfjs-core version: the binding's JavaScript side must be the tfjs-node release of the same version. */
export const tfjsVersion: string = createRequire(import.meta.url)('@tensorflow/tfjs-core/package.json').version;

/** Every native install lives here, in gx's cache, so `npm ci` does not wipe it and projects share it. */
export function nativeRoot(): string {
  return join(cacheDir(), 'native');
}

/** An install's folder: one per variant, TensorFlow release, tfjs release and platform; written whole or not at all. */
export function installFolder(variant: NativeVariant, tfVersion: string): string {
  return join(nativeRoot(), `${variant}-${tfVersion}-tfjs${tfjsVersion}-${process.platform}-${process.arch}`);
}

/** Where tfjs-node's package sits inside an install (its binding's rpath finds the libraries from there). */
export function packageFolder(installDir: string): string {
  return join(installDir, 'node_modules', '@tensorflow', 'tfjs-node');
}

/**
 * Every install in the cache, each with the reason this gx cannot load it, if there is one; those it can load first,
 * in the order `auto` tries them: the GPU build first, then the newest TensorFlow. A folder whose manifest is missing
 * or unreadable is listed as a damaged install of unknown variant, so that status shows it and install replaces it.
 */
export async function findInstalls(): Promise<NativeInstall[]> {
  const installs: NativeInstall[] = [];
  for (const name of await readdir(nativeRoot()).catch(() => [])) {
    if (name.startsWith('.') || name.endsWith('.log')) continue;
    const dir = join(nativeRoot(), name);
    const manifest = await readManifest(dir);
    if (manifest) installs.push({ dir, manifest, unusable: await whyNotLoadable(dir, manifest) });
    else
      installs.push({
        dir,
        manifest: unknownManifest,
        unusable: 'damaged: its manifest.json is missing or unreadable',
      });
  }
  return installs.sort(
    (a, b) =>
      Number(Boolean(a.unusable)) - Number(Boolean(b.unusable)) ||
      Number(nativeVariants[b.manifest.variant].cuda) - Number(nativeVariants[a.manifest.variant].cuda) ||
      b.manifest.tensorflow.localeCompare(a.manifest.tensorflow, 'en', { numeric: true }),
  );
}

/** The manifest of a complete install: undefined where there is none, or it is not one gx wrote. */
async function readManifest(dir: string): Promise<NativeManifest | undefined> {
  try {
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    const fields = ['tensorflow', 'tfjsNode', 'platform', 'arch', 'installedAt'];
    const valid =
      manifest?.variant in nativeVariants &&
      fields.every((field) => typeof manifest[field] === 'string') &&
      Number.isInteger(manifest.napi) &&
      typeof manifest.libraries === 'object' &&
      manifest.libraries !== null &&
      Object.values(manifest.libraries).every((size) => typeof size === 'number');
    return valid ? (manifest as NativeManifest) : undefined;
  } catch {
    return undefined;
  }
}

const unknownManifest: NativeManifest = {
  variant: 'tensorflow',
  tensorflow: '?',
  tfjsNode: '?',
  napi: 0,
  platform: '?',
  arch: '?',
  wheels: [],
  libraries: {},
  check: { tfVersion: '?', convGradientMaxError: Number.NaN },
  installedAt: '?',
};

async function whyNotLoadable(dir: string, manifest: NativeManifest): Promise<string | undefined> {
  if (manifest.tfjsNode !== tfjsVersion) return `built for tfjs ${manifest.tfjsNode}, this gx has ${tfjsVersion}`;
  if (manifest.platform !== process.platform || manifest.arch !== process.arch)
    return `built for ${manifest.platform}-${manifest.arch}`;
  if (manifest.napi > Number(process.versions.napi))
    return `needs N-API ${manifest.napi}, this Node has ${process.versions.napi}`;
  // A library cut short (a full disk, a copy that stopped) crashes the process that maps it: look before loading.
  for (const [file, size] of Object.entries(manifest.libraries)) {
    const found = await stat(join(packageFolder(dir), file)).then(
      (s) => s.size,
      () => undefined,
    );
    if (found !== size)
      return `damaged: ${file} is ${found === undefined ? 'missing' : `${found} bytes`}, it was built as ${size}`;
  }
  return undefined;
}

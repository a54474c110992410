import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { GxError } from '../../errors.js';
import { type NativeVariant, nativeVariants } from './layout.js';
import { type InstallShell, lastErrorLine } from './shell.js';

/**
 * TensorFlow's wheel, and for the GPU variant the CUDA libraries its `and-cuda` extra names at the versions it names,
 * fetched with the user's own pip (its index, proxy and cache). Returns their paths, TensorFlow's first.
 */
export async function downloadWheels(
  shell: InstallShell,
  variant: NativeVariant,
  tfVersion: string,
  dest: string,
): Promise<string[]> {
  const wheel = `${nativeVariants[variant].wheel}==${tfVersion}`;
  await pipDownload(shell, [wheel], dest);
  const [tensorflow] = await readdir(dest);
  if (!nativeVariants[variant].cuda) return [join(dest, tensorflow)];
  const metadata = await shell.python(
    'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(next(z.read(n).decode() for n in z.namelist() if n.endswith(".dist-info/METADATA")))',
    [join(dest, tensorflow)],
  );
  const cuda = metadata
    .split('\n')
    .filter((line) => line.startsWith('Requires-Dist:') && line.includes('extra == "and-cuda"'))
    .map((line) => line.slice('Requires-Dist:'.length).split(';')[0].replaceAll(' ', ''));
  if (cuda.length === 0) throw new GxError('NATIVE_NO_CUDA', `${wheel} names no CUDA libraries (no and-cuda extra)`);
  await pipDownload(shell, cuda, dest);
  const cudaWheels = (await readdir(dest)).filter((name) => name !== tensorflow);
  return [join(dest, tensorflow), ...cudaWheels.map((name) => join(dest, name))];
}

async function pipDownload(shell: InstallShell, requirements: string[], dest: string): Promise<void> {
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
    ...requirements,
  ];
  const result = await shell.exec(shell.tools.python, args);
  if (result.code === 0) return;
  const output = `${result.stdout}\n${result.stderr}`;
  const wanted = requirements.join(' ');
  if (/No space left/i.test(output)) throw shell.diskFull();
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
  throw shell.failed('NATIVE_DOWNLOAD', 'pip download', result);
}

/** An npm package's tarball, fetched with the user's own npm (its registry and proxy); returns its path. */
export async function npmPack(shell: InstallShell, spec: string, dest: string): Promise<string> {
  await mkdir(dest, { recursive: true });
  const result = await shell.exec(process.execPath, [
    shell.tools.npm,
    'pack',
    '--silent',
    '--pack-destination',
    dest,
    spec,
  ]);
  if (result.code !== 0)
    throw new GxError(
      'NATIVE_NPM',
      `npm cannot fetch ${spec}: ${lastErrorLine(result.stderr)}`,
      "check npm's registry and proxy (npm config list), then run gx backend install again",
    );
  return join(dest, result.stdout.trim().split('\n').at(-1) ?? '');
}

/** pip hides index passwords itself; this makes sure of it. */
function redactCredentials(text: string): string {
  return text.replace(/\/\/[^/@\s]+@/g, '//***@');
}

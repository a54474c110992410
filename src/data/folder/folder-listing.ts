import { readdir, stat } from 'node:fs/promises';
import { extname, join, relative, resolve, sep } from 'node:path';
import { GxError } from '../../errors.js';

/** The file types gx decodes from a folder (through sharp/libvips); other files are left alone and counted. */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff', '.avif'] as const;

/** How a folder's images get labels: one class per subfolder (sorted by name), or none. */
export type FolderLabels = 'subfolders' | 'none';

export interface FolderFile {
  /** Relative to the folder, with / between parts: the same key on every machine. */
  name: string;
  path: string;
  size: number;
  mtimeMs: number;
  label: number;
}

export interface FolderListing {
  root: string;
  files: FolderFile[];
  /** The class subfolders' names, sorted; empty with labels: none. */
  classes: string[];
  /** Files of other types (a README, .DS_Store): ignored. */
  ignored: number;
}

const hint = 'point data.path at a folder of PNG/JPEG/WebP images (with labels: subfolders, one subfolder per class)';

/**
 * Every image file under `path` (sorted by name, so that the list is the same wherever it is read), with the sizes
 * and times that key the decoded cache. With labels: subfolders, each top-level subfolder is a class and its images
 * (at any depth) are that class; files beside the subfolders are ignored.
 */
export async function listFolder(path: string, labels: FolderLabels): Promise<FolderListing> {
  const root = resolve(path);
  const found = await stat(root).catch(() => undefined);
  if (!found) throw new GxError('DATA_NOT_FOUND', `data.path ${path} does not exist`, hint);
  if (!found.isDirectory()) throw new GxError('DATA_NOT_FOUND', `data.path ${path} is not a folder`, hint);
  const entries = (await readdir(root, { recursive: true, withFileTypes: true })).filter(
    (entry) => !entry.isDirectory(),
  );
  if (entries.length === 0) throw new GxError('DATA_EMPTY', `data.path ${path} is an empty folder`, hint);
  const names = entries.map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/')).sort();
  const images = names.filter((name) => (IMAGE_EXTENSIONS as readonly string[]).includes(extname(name).toLowerCase()));
  const labelled = labels === 'subfolders' ? images.filter((name) => name.includes('/')) : images;
  if (labelled.length === 0) {
    const where = labels === 'subfolders' && images.length > 0 ? ' in class subfolders' : '';
    throw new GxError(
      'DATA_NO_IMAGES',
      `data.path ${path} has ${names.length} files but no images${where} (${IMAGE_EXTENSIONS.join(' ')})`,
      labels === 'subfolders' && images.length > 0 ? 'put each class in its own subfolder, or set labels: none' : hint,
    );
  }
  const classes = labels === 'subfolders' ? [...new Set(labelled.map((name) => name.split('/')[0]))].sort() : [];
  if (labels === 'subfolders' && classes.length < 2) {
    throw new GxError(
      'DATA_ONE_CLASS',
      `data.path ${path} has one class subfolder (${classes[0]}): labels: subfolders needs two or more`,
      'add a subfolder per class, or set data.labels: none for an unconditional GAN',
    );
  }
  if (classes.length > 256) {
    throw new GxError('DATA_LABELS', `data.path ${path} has ${classes.length} class subfolders: at most 256`, hint);
  }
  const classOf = new Map(classes.map((name, i) => [name, i]));
  const files: FolderFile[] = [];
  for (const name of labelled) {
    const file = join(root, name);
    const info = await stat(file).catch(() => undefined);
    // A socket, a FIFO or a dangling link is not an image, whatever its name says.
    if (!info?.isFile()) continue;
    files.push({
      name,
      path: file,
      size: info.size,
      mtimeMs: info.mtimeMs,
      label: classOf.get(name.split('/')[0]) ?? 0,
    });
  }
  return { root, files, classes, ignored: names.length - files.length };
}

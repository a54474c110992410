import { readFile } from 'node:fs/promises';

/**
 * The records of a JSON Lines text, in order. A line that does not parse (empty, or cut short by a crash while it
 * was appended) is skipped: an append-only log is only ever damaged at its end.
 */
export function parseJsonLines(text: string): unknown[] {
  return text.split('\n').flatMap((line) => {
    if (line.trim() === '') return [];
    try {
      return [JSON.parse(line)];
    } catch {
      return [];
    }
  });
}

/** The records of a JSON Lines file (see parseJsonLines); none when the file does not exist. */
export async function readJsonLines(file: string): Promise<unknown[]> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  return parseJsonLines(text);
}

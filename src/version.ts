import { readFileSync } from 'node:fs';

/** gx's version, from its package.json (two levels above this file in dist/src/ as in src/). */
export const gxVersion: string = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
).version;

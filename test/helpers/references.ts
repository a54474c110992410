import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './cli.js';

/** Values computed independently of gx (test/references/references.py, numpy and scipy), committed as JSON. */
export const references = JSON.parse(readFileSync(join(repoRoot, 'test', 'references', 'references.json'), 'utf8'));

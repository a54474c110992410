/**
 * Writes test/references/references.json and frechet.json: runs references.py and frechet.py (numpy and scipy, pinned, in a venv under gx's cache
 * made the way the tests make MLflow's) and keeps its output. `npm run references`; the tests only read the JSON.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/cli.js';
import { venvPython } from '../helpers/python-venv.js';

const REQUIREMENTS = ['numpy==2.4.6', 'scipy==1.17.1'];

const python = venvPython('references-numpy-scipy', REQUIREMENTS);
const folder = join(repoRoot, 'test', 'references');
for (const script of ['references', 'frechet']) {
  const output = execFileSync(python, [join(folder, `${script}.py`)], { encoding: 'utf8' });
  JSON.parse(output); // a broken script writes nothing
  writeFileSync(join(folder, `${script}.json`), output);
  process.stdout.write(`${join(folder, `${script}.json`)}: ${output.length} bytes\n`);
}

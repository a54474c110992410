import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { gx, tempDir } from '../helpers/cli.js';
import { tinyYaml } from '../helpers/experiments.js';

/** The <img> grids of a report page, as data: URIs. */
const gridsOf = (page: string) => page.match(/<img class="grid" src="data:image\/png;base64,[^"]+"/g) ?? [];

describe('gx report from run folders and from the local MLflow store', () => {
  const dir = tempDir();
  let runDirs: string[];
  before(() => {
    writeFileSync(join(dir, 'tiny.yaml'), tinyYaml);
    // 10 steps of 8 per epoch: a grid after epoch 1 (step 8) and one at the end.
    for (const loss of ['standard', 'lsgan']) {
      const result = gx(['run', 'tiny.yaml', '--max-steps', '10', '--set', `loss.type=${loss}`], { cwd: dir });
      assert.equal(result.status, 0, result.stderr);
    }
    runDirs = readdirSync(join(dir, 'runs')).map((name) => join(dir, 'runs', name));
  });

  it('puts run folders side by side: the grids of each step, the loss charts, the setting that differs', () => {
    const result = gx(['report', ...runDirs, '-o', 'two.html'], { cwd: dir });
    assert.equal(result.status, 0, result.stderr);
    const page = readFileSync(join(dir, 'two.html'), 'utf8');
    assert.equal(gridsOf(page).length, 2);
    // The slider's data: each run's grids at steps 8 and 10.
    const data = JSON.parse(/<script type="application\/json" id="grid-data">(.*?)<\/script>/s.exec(page)?.[1] ?? '{}');
    assert.deepEqual(data.steps, [8, 10]);
    assert.deepEqual(
      data.grids.map((grids: [number, string][]) => grids.map(([step]) => step)),
      [
        [8, 10],
        [8, 10],
      ],
    );
    assert.match(page, /tiny max_steps=10</); // its loss is the file's
    assert.match(page, /tiny loss=lsgan max_steps=10/);
    for (const title of ['Generator loss', 'Discriminator loss']) assert.ok(page.includes(`>${title}</text>`), title);
    assert.ok(!page.includes('FID (lower is better)'), 'no FID chart for runs that were not evaluated');
    // The settings that differ head the table: the loss; the shared ones are folded away.
    // (a column's name may wrap after its dots)
    assert.match(page, /<th>loss\.(<wbr>)?type<\/th>/);
    assert.doesNotMatch(page, /<th>train\.(<wbr>)?optimizer\.(<wbr>)?g\.(<wbr>)?lr<\/th>/);
    // Nothing is fetched: no src or href leaves the page.
    assert.doesNotMatch(page, /(src|href)="(https?:)?\/\//);

    const again = gx(['report', ...runDirs, '-o', 'two.html'], { cwd: dir });
    assert.equal(again.status, 1);
    assert.match(again.stderr, /two\.html exists\nhint: give --force/);
    assert.equal(gx(['report', ...runDirs, '-o', 'two.html', '--force'], { cwd: dir }).status, 0);
  });

  it('reads the runs of an experiment from the local store (--experiment)', () => {
    const result = gx(['report', '--experiment', 'tiny', '--json'], { cwd: dir });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).runs, 2);
    const page = readFileSync(join(dir, 'report.html'), 'utf8');
    assert.equal(gridsOf(page).length, 2);
    assert.match(page, /tiny loss=lsgan max_steps=10/);
    const missing = gx(['report', '--experiment', 'nope'], { cwd: dir });
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /no experiment "nope"/);
  });
});

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser, Frame, Page } from 'playwright-core';
import type { SweepRecord } from '../../src/sweep/sweep.js';
import { chromiumPath, launchChromium } from '../helpers/chromium.js';
import { gx, tempDir } from '../helpers/cli.js';
import { tinyIn } from '../helpers/experiments.js';
import { type MlflowServer, mlflowApi, startMlflowServer } from '../helpers/mlflow-server.js';
import { writeSeededRunFolders } from './seeded-folders.js';

const executable = chromiumPath();

/**
 * What a person sees: headless Chromium opens a recorded sweep's report (from its file, offline) and MLflow's own UI
 * of the sweep (its runs table, and the report in the parent run's artifact viewer). Screenshots go to
 * $GX_SCREENSHOT_DIR, else a temporary folder (each test prints where).
 */
describe('the report and the MLflow UI in a browser', {
  skip: executable ? false : 'no Chromium (apt-get install chromium)',
}, () => {
  let server: MlflowServer;
  let browser: Browser;
  let sweep: SweepRecord & { sweepDir: string };
  let experimentId: string;
  const screenshots = process.env.GX_SCREENSHOT_DIR || tempDir('gx-screenshots-');

  before(async () => {
    mkdirSync(screenshots, { recursive: true });
    server = await startMlflowServer();
    // Two trials of 10 steps: a grid after the first epoch (step 8) and at the end, FID every 5 steps.
    const dir = tinyIn('browser', 'eval: { every: 0, every_steps: 5, samples: 100, metrics: [fid, class_accuracy] }\n');
    const result = gx(
      [
        'sweep',
        'browser.yaml',
        '--param',
        'loss.type=standard,lsgan',
        '--max-steps',
        '10',
        '--backend',
        'wasm',
        '--json',
      ],
      { cwd: dir, env: { MLFLOW_TRACKING_URI: server.uri } },
    );
    assert.equal(result.status, 0, result.stderr);
    sweep = JSON.parse(result.stdout);
    experimentId = sweep.parent.experimentId as string;
    browser = await launchChromium(executable as string);
  });
  after(async () => {
    await browser?.close();
    server?.stop();
  });

  /** A page whose console errors and uncaught exceptions are collected. */
  async function openPage(): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`${message.text()} (${message.location().url})`);
    });
    page.on('pageerror', (error) => errors.push(error.message));
    return { page, errors };
  }

  /** The report's images and charts as drawn: every grid decoded, every chart with its lines. */
  async function checkReport(frame: Frame | Page, runs: number) {
    await frame.waitForSelector('img.grid');
    const grids = await frame.$$eval('img.grid', (images) =>
      images.map((image) => ({
        width: (image as HTMLImageElement).naturalWidth,
        complete: (image as HTMLImageElement).complete,
      })),
    );
    assert.equal(grids.length, runs);
    for (const grid of grids) assert.ok(grid.complete && grid.width > 0, JSON.stringify(grids));
    const charts = await frame.$$eval('figure.chart svg', (svgs) =>
      svgs.map((svg) => ({
        width: svg.getBoundingClientRect().width,
        lines: svg.querySelectorAll('path[aria-roledescription="line mark"], g.mark-line path').length,
        title: svg.querySelector('g.role-title text')?.textContent ?? '',
      })),
    );
    assert.deepEqual(
      charts.map((chart) => chart.title),
      ['FID (lower is better)', 'Class accuracy (higher is better)', 'Generator loss', 'Discriminator loss'],
    );
    for (const chart of charts) assert.ok(chart.width > 100 && chart.lines >= runs, JSON.stringify(chart));
  }

  it('opens the sweep report from its file: grids, a working step slider, four charts, no console error', async () => {
    const { page, errors } = await openPage();
    await page.goto(pathToFileURL(join(sweep.sweepDir, 'report.html')).href);
    await checkReport(page, 2);
    // The slider goes back to the first step with a grid (8): each run shows the grid it drew there.
    const before = await page.$$eval('img.grid', (images) => images.map((image) => (image as HTMLImageElement).src));
    await page.$eval('#step', (input) => {
      (input as HTMLInputElement).value = '0';
      input.dispatchEvent(new Event('input'));
    });
    assert.equal(await page.textContent('#step-label'), '8');
    const after = await page.$$eval('img.grid', (images) => images.map((image) => (image as HTMLImageElement).src));
    assert.ok(after.every((src, i) => src !== before[i] && src.startsWith('data:image/png;base64,')));
    assert.deepEqual(await page.$$eval('.at', (spans) => spans.map((span) => span.textContent)), ['step 8', 'step 8']);
    await page.$eval('#step', (input) => {
      (input as HTMLInputElement).value = (input as HTMLInputElement).max;
      input.dispatchEvent(new Event('input'));
    });
    const file = join(screenshots, 'report.png');
    await page.screenshot({ path: file, fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('shows the values under the pointer on a chart: each run, the step and its value', async () => {
    const { page, errors } = await openPage();
    await page.goto(pathToFileURL(join(sweep.sweepDir, 'report.html')).href);
    const chart = page.locator('figure.chart').first();
    const tooltip = chart.locator('.tooltip');
    assert.equal(await tooltip.isVisible(), false);
    // Inside the plot (Vega puts it about 50 px from the SVG's left and 20 px from its top, 380 by 200 px).
    await chart.locator('svg').hover({ position: { x: 250, y: 120 } });
    await tooltip.waitFor({ state: 'visible', timeout: 5_000 });
    const rows = await tooltip.locator('div').allTextContents();
    assert.equal(rows.length, 2, JSON.stringify(rows));
    for (const row of rows) assert.match(row, /^[12]\. .*loss=(standard|lsgan).*: [-\d.e]+ at step \d+$/);
    await page.mouse.move(5, 5);
    await tooltip.waitFor({ state: 'hidden', timeout: 5_000 });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('fits a 1280 px window', async () => {
    const { page } = await openPage();
    await page.goto(pathToFileURL(join(sweep.sweepDir, 'report.html')).href);
    await checkFits(page);
    await page.close();
  });

  it('links each run to its page on the MLflow server, which names the run', async () => {
    const html = readFileSync(join(sweep.sweepDir, 'report.html'), 'utf8');
    const links = new Map(
      [...html.matchAll(/<a href="([^"]+)"[^>]*>([^<]+)<\/a>/g)].map(([, href, name]) => [href, name]),
    );
    assert.equal(links.size, 2, JSON.stringify([...links]));
    for (const [href, name] of links) {
      assert.ok(href.startsWith(`${server.uri}/#/experiments/${experimentId}/runs/`), href);
      const response = await fetch(href);
      assert.equal(response.status, 200);
      assert.match(await response.text(), /<title>MLflow/i);
      const runId = href.split('/').at(-1) as string;
      assert.ok(sweep.trials.some((trial) => trial.runId === runId));
      const { run } = await mlflowApi<{ run: { info: { run_name: string; experiment_id: string } } }>(
        server,
        'mlflow/runs/get',
        { run_id: runId },
      );
      assert.equal(
        run.info.run_name,
        name.replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code))),
      );
      assert.equal(run.info.experiment_id, experimentId);
    }
  });

  it('groups 2 configurations x 3 seeds by configuration: mean, spread, each seed, ranked by the mean', async () => {
    const dir = tempDir();
    const folders = await writeSeededRunFolders(dir, [
      { loss: 'standard', lr: 0.001, width: 2, latent: 8, fids: [40, 44, 48] },
      { loss: 'lsgan', lr: 0.0002, width: 4, latent: 16, fids: [30, 33, 36] },
    ]);
    // One run given twice is shown once.
    const result = gx(['report', ...folders, folders[2], '-o', 'seeds.html'], { cwd: dir });
    assert.equal(result.status, 0, result.stderr);
    const { page, errors } = await openPage();
    await page.goto(pathToFileURL(join(dir, 'seeds.html')).href);
    assert.equal(await page.locator('img.grid').count(), 6);
    assert.match((await page.textContent('.subtitle')) ?? '', /1 given twice left out/);
    const table = await page.$eval('table.runs', (element) => ({
      head: [...element.querySelectorAll('th')].map((cell) => cell.textContent),
      rows: [...element.querySelectorAll('tbody tr')].map((row) =>
        [...(row as HTMLTableRowElement).cells].map((cell) => cell.textContent),
      ),
    }));
    const column = (name: string) => table.head.indexOf(name);
    // The varied settings come first; the seed is in the per-seed cells, not a column.
    assert.deepEqual(table.head.slice(1, 7), [
      'configuration',
      'loss.type',
      'model.latent_size',
      'model.width',
      'train.optimizer.d.lr',
      'train.optimizer.g.lr',
    ]);
    assert.equal(column('seed'), -1);
    assert.equal(table.rows.length, 2);
    const [best, second] = table.rows;
    assert.equal(best[column('configuration')], 'tiny loss=lsgan lr=0.0002');
    assert.equal(best[column('fid mean')], '33');
    assert.equal(best[column('sd')], '3');
    assert.equal(best[column('fid per seed')], 'seed 1: 30 seed 2: 33 seed 3: 36');
    assert.equal(second[column('configuration')], 'tiny loss=standard lr=0.001');
    assert.equal(second[column('fid mean')], '44');
    assert.equal(second[column('sd')], '4');
    // A line per configuration, with the band its seeds span; the real-data floor as a line of its own.
    const legend = await page.$$eval('figure.chart', (charts) =>
      charts.map((chart) => ({
        labels: [...chart.querySelectorAll('g.role-legend-label text')].map((text) => text.textContent),
        bands: chart.querySelectorAll('g.mark-area path').length,
        floor: chart.querySelector('g.mark-rule') !== null,
      })),
    );
    assert.deepEqual(legend[0], {
      labels: ['1. tiny loss=lsgan lr=0.0002 (3 seeds)', '2. tiny loss=standard lr=0.001 (3 seeds)'],
      bands: 2,
      floor: true,
    });
    await checkFits(page);
    await page.screenshot({ path: join(screenshots, 'report-seeds.png'), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it("opens MLflow's runs table from the link gx prints, with the runs named by what they vary", async () => {
    const ui = gx(['ui', 'browser'], { env: { MLFLOW_TRACKING_URI: server.uri } });
    assert.equal(ui.status, 0, ui.stderr);
    const link = ui.stdout.trim().split(': ').at(-1) as string;
    assert.equal(link, `${server.uri}/#/experiments/${experimentId}/runs`);
    const { page, errors } = await openPage();
    await page.goto(link);
    // The parent, named by what the sweep varies; its trials nested under it, each named by its value.
    await page.getByText('browser sweep loss=[standard,lsgan]').waitFor({ timeout: 60_000 });
    await page.click('button[data-component-id*="runnamecellrenderer"]');
    await page.getByText('loss=lsgan', { exact: true }).waitFor();
    await page.getByText('loss=standard', { exact: true }).waitFor();
    await page.screenshot({ path: join(screenshots, 'mlflow-runs.png') });
    assert.deepEqual(errors.filter(notMlflowNoise), []);
    await page.close();
  });

  it("shows each trial's sample grid in the image card of MLflow's chart view", async () => {
    const { page, errors } = await openPage();
    await page.goto(`${server.uri}/#/experiments/${experimentId}/runs?compareRunsMode=CHART`);
    // The trials nest under the parent: expanded, they are the visible runs the cards draw.
    // A busy machine takes its time to load MLflow's UI and its charts.
    page.setDefaultTimeout(120_000);
    await page.click('button[data-component-id*="runnamecellrenderer"]');
    await page.getByText('loss=lsgan', { exact: true }).waitFor();
    // Cards render as they scroll into view; a search that names no metric leaves the image cards alone on screen.
    await page.getByPlaceholder('Search metric charts').fill('samples');
    const trials = sweep.trials.map((trial) => trial.runId as string);
    const loaded = async () =>
      page.$$eval('img[src*="run_uuid="]', (images) =>
        images
          .filter((image) => (image as HTMLImageElement).complete && (image as HTMLImageElement).naturalWidth > 0)
          .map((image) => new URL((image as HTMLImageElement).src).searchParams.get('run_uuid')),
      );
    // The card opens at step 0, where each trial has the untrained G's grid.
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await page.waitForTimeout(500)) {
      const runs = await loaded();
      if (trials.every((id) => runs.includes(id))) break;
    }
    const runs = await loaded();
    for (const id of trials) assert.ok(runs.includes(id), `an image of run ${id} loaded: ${JSON.stringify(runs)}`);
    await page.screenshot({ path: join(screenshots, 'mlflow-images.png') });
    assert.deepEqual(errors.filter(notMlflowNoise), []);
    await page.close();
  });

  it("shows the report in the parent run's artifact viewer", async () => {
    const { page, errors } = await openPage();
    const { run } = await mlflowApi<{ run: { info: { run_id: string } } }>(server, 'mlflow/runs/get', {
      run_id: sweep.parent.runId as string,
    });
    await page.goto(`${server.uri}/#/experiments/${experimentId}/runs/${run.info.run_id}/artifacts/report.html`);
    const iframe = await page.waitForSelector('iframe.mlflow-html-iframe', { timeout: 60_000 });
    const frame = await iframe.contentFrame();
    assert.ok(frame, 'the artifact viewer shows the report in a frame');
    await checkReport(frame, 2);
    await page.screenshot({ path: join(screenshots, 'mlflow-report.png'), fullPage: true });
    assert.deepEqual(errors.filter(notMlflowNoise), []);
    await page.close();
  });
});

/** The page fits the window: nothing scrolls sideways, not the page nor the runs' table in its own box. */
async function checkFits(page: Page) {
  const widths = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    window: window.innerWidth,
    table: document.querySelector('table.runs')?.getBoundingClientRect().width ?? 0,
    box: document.querySelector('.table-wrap')?.clientWidth ?? 0,
  }));
  assert.ok(widths.page <= widths.window && widths.table <= widths.box, JSON.stringify(widths));
}

/**
 * What MLflow's UI logs by itself: on a server without the auth app it asks who the user is and gets a 404; on a
 * busy machine its charts' ResizeObserver reports a skipped frame (a benign notice). Nothing to do with gx's records.
 */
function notMlflowNoise(error: string): boolean {
  return (
    !/status of 404 .*\/ajax-api\/2\.0\/mlflow\/users\/current\)$/.test(error) &&
    !/^null ResizeObserver loop completed with undelivered notifications\. \(http:\/\/127\.0\.0\.1:\d+\/static-files\//.test(
      error,
    )
  );
}

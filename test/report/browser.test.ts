import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser, Frame, Page } from 'playwright-core';
import type { SweepRecord } from '../../src/sweep/sweep.js';
import { chromiumPath, launchChromium } from '../helpers/chromium.js';
import { gx, tempDir } from '../helpers/cli.js';
import { tinyIn } from '../helpers/experiments.js';
import { type MlflowServer, mlflowApi, startMlflowServer } from '../helpers/mlflow-server.js';

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

/**
 * What MLflow's UI logs by itself on a server without the auth app (it asks who the user is, and gets a 404):
 * nothing to do with gx's records.
 */
function notMlflowNoise(error: string): boolean {
  return !/status of 404 .*\/ajax-api\/2\.0\/mlflow\/users\/current\)$/.test(error);
}

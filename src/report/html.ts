import { chartScript } from './chart-script.js';
import type { ChartData } from './charts.js';
import type { Comparison } from './configurations.js';
import { PAGE_STYLE } from './page-style.js';
import { html, json, runLink } from './page-text.js';
import { pngSize } from './png-size.js';
import type { Report, ReportRun } from './report-run.js';
import { settingsTables } from './settings-table.js';

/**
 * The report as one self-contained HTML page: every image a data: URI, every chart inline SVG, one small inline
 * script for the step slider and the charts' hover values, smoothing and step marker. It opens from a file,
 * offline, and in MLflow's artifact viewer; without its script the grids, charts and table are all there.
 */
export function reportHtml(
  report: Report,
  comparison: Comparison,
  charts: readonly { svg: string; data: ChartData }[],
  colours: readonly string[],
): string {
  // The grids in the order of the configurations they belong to, each in its configuration's colour.
  const shown = comparison.configurations.flatMap((configuration, i) =>
    configuration.runs.map((run) => ({ run, number: i + 1, colour: colours[i], seeded: comparison.seeded })),
  );
  const runs = shown.map(({ run }) => run);
  const steps = [...new Set(runs.flatMap((run) => run.grids.map((grid) => grid.step)))].sort((a, b) => a - b);
  const grids = runs.map((run) => run.grids.map((grid) => [grid.step, dataUri(grid.png)] as const));
  const last = steps.length - 1;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(report.title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<h1>${html(report.title)}</h1>
<p class="subtitle">${html(report.subtitle)}${comparison.seeded ? html(seedNote(comparison)) : ''}</p>
<section id="samples">
<h2>Samples</h2>
${
  steps.length === 0
    ? '<p>No sample grids were found.</p>'
    : `<label class="slider">generator step <input type="range" id="step" min="0" max="${last}" value="${last}" step="1">
<output id="step-label">${steps[last]}</output></label>`
}
<div class="grids">
${shown.map((entry, i) => figure(entry, i)).join('\n')}
</div>
</section>
<section id="metrics">
<h2>Metrics</h2>
${
  charts.length === 0
    ? '<p>No metrics were recorded.</p>'
    : `<label class="control">smoothing <input type="range" id="smoothing" min="0" max="0.99" step="0.01" value="0">
<output id="smoothing-label">off</output><span class="note">an exponential moving average; the raw curves stay, faded</span></label>
<div class="charts">${charts
        .map(
          ({ svg }, i) =>
            `<figure class="chart" data-chart="${i}">${svg}<p class="at-step"></p><div class="tooltip" hidden></div></figure>`,
        )
        .join('\n')}</div>`
}
</section>
<section id="settings">
<h2>${comparison.seeded ? 'Configurations, their seeds' : 'Runs'} and the settings that differ</h2>
${settingsTables(comparison, colours)}
</section>
<script type="application/json" id="grid-data">${json({ steps, grids })}</script>
<script type="application/json" id="chart-data">${json(charts.map(({ data }) => data))}</script>
<script>${SLIDER}
(${chartScript.toString()})();</script>
</body>
</html>
`;
}

/** What a line and a row stand for when the runs are grouped by seed. */
function seedNote({ ranking }: Comparison): string {
  const by = ranking ? `, ranked by the mean ${ranking.metric} over the seeds` : '';
  return `; runs equal apart from their seed are one configuration${by}: its curve is the seeds' mean, its band their min..max`;
}

function figure(entry: { run: ReportRun; number: number; colour: string; seeded: boolean }, index: number): string {
  const { run, number, colour, seeded } = entry;
  const final = run.grids.at(-1);
  const size = final && pngSize(final.png);
  // At its own size where it fits: the figure is as wide as the grid, the caption wraps under it.
  const width = size ? ` width="${size.width}" height="${size.height}"` : '';
  const image = final
    ? `<img class="grid" src="${dataUri(final.png)}"${width} alt="samples of ${html(run.name)} at step ${final.step}">`
    : '<div class="grid missing">no samples</div>';
  const style = size ? ` style="width:${size.width + 2}px"` : '';
  const seed = seeded && run.settings.seed !== undefined ? ` · seed ${html(run.settings.seed)}` : '';
  return `<figure class="run" data-run="${index}"${style}>${image}
<figcaption><span class="swatch" style="background:${colour}"></span>${number}. ${runLink(run.name, run.link)}${seed}<br><span class="at">${final ? `step ${final.step}` : ''}</span></figcaption></figure>`;
}

function dataUri(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
}

/** Moves every run's grid to the last one drawn at or before the slider's step. */
const SLIDER = `
(() => {
  const input = document.getElementById('step');
  if (!input) return;
  const { steps, grids } = JSON.parse(document.getElementById('grid-data').textContent);
  const label = document.getElementById('step-label');
  const show = () => {
    const step = steps[Number(input.value)];
    label.textContent = String(step);
    document.querySelectorAll('figure.run').forEach((figure) => {
      const own = grids[Number(figure.dataset.run)];
      const img = figure.querySelector('img.grid');
      if (!img || own.length === 0) return;
      const shown = own.filter(([at]) => at <= step).at(-1) ?? own[0];
      img.src = shown[1];
      figure.querySelector('.at').textContent = 'step ' + shown[0] + (shown[0] > step ? ' (its first)' : '');
    });
  };
  input.addEventListener('input', show);
})();
`;

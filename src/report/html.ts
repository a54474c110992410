import { REPORTED_METRICS, type Report, type ReportRun } from './report-run.js';

/**
 * The report as one self-contained HTML page: every image a data: URI, every chart inline SVG, one small inline
 * script for the step slider. It opens from a file, offline, and in MLflow's artifact viewer.
 */
export function reportHtml(report: Report, charts: readonly string[], colours: readonly string[]): string {
  const { runs } = report;
  const steps = [...new Set(runs.flatMap((run) => run.grids.map((grid) => grid.step)))].sort((a, b) => a - b);
  const grids = runs.map((run) => run.grids.map((grid) => [grid.step, dataUri(grid.png)] as const));
  const last = steps.length - 1;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(report.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${html(report.title)}</h1>
<p class="subtitle">${html(report.subtitle)}</p>
<section id="samples">
<h2>Samples</h2>
${
  steps.length === 0
    ? '<p>No sample grids were found.</p>'
    : `<label class="slider">generator step <input type="range" id="step" min="0" max="${last}" value="${last}" step="1">
<output id="step-label">${steps[last]}</output></label>`
}
<div class="grids">
${runs.map((run, i) => figure(run, i, colours[i])).join('\n')}
</div>
</section>
<section id="metrics">
<h2>Metrics</h2>
${charts.length === 0 ? '<p>No metrics were recorded.</p>' : `<div class="charts">${charts.map((svg) => `<figure class="chart">${svg}</figure>`).join('\n')}</div>`}
</section>
<section id="settings">
<h2>Runs and the settings that differ</h2>
${settingsTables(report, colours)}
</section>
<script type="application/json" id="grid-data">${json({ steps, grids })}</script>
<script>${SLIDER}</script>
</body>
</html>
`;
}

function figure(run: ReportRun, index: number, colour: string): string {
  const final = run.grids.at(-1);
  const image = final
    ? `<img class="grid" src="${dataUri(final.png)}" alt="samples of ${html(run.name)} at step ${final.step}">`
    : '<div class="grid missing">no samples</div>';
  return `<figure class="run" data-run="${index}">${image}
<figcaption><span class="swatch" style="background:${colour}"></span>${index + 1}. ${html(run.name)}<br><span class="at">${final ? `step ${final.step}` : ''}</span></figcaption></figure>`;
}

function settingsTables(report: Report, colours: readonly string[]): string {
  const { runs } = report;
  const keys = [...new Set(runs.flatMap((run) => Object.keys(run.settings)))].sort();
  const differing = keys.filter((key) => new Set(runs.map((run) => run.settings[key])).size > 1);
  const common = keys.filter((key) => !differing.includes(key));
  const ranked = report.ranking?.metric;
  const metrics = [
    ...(ranked ? [ranked] : []),
    ...REPORTED_METRICS.filter((key) => key !== ranked && runs.some((run) => run.curves[key])),
  ];
  const header = ['', 'run', 'status', ...metrics.map((key) => `last ${key}`), ...differing];
  const rows = runs.map((run, i) => [
    `<span class="swatch" style="background:${colours[i]}"></span>${i + 1}`,
    html(run.name),
    html(run.status),
    ...metrics.map((key) => formatNumber(run.curves[key]?.at(-1)?.value)),
    ...differing.map((key) => html(run.settings[key] ?? '')),
  ]);
  const table = (head: string[], body: string[][]) =>
    `<table><thead><tr>${head.map((cell) => `<th>${cell}</th>`).join('')}</tr></thead><tbody>${body
      .map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`;
  const sameRows = common.map((key) => [html(key), html(runs[0]?.settings[key] ?? '')]);
  return `${table(
    header.map(html).map((cell, i) => (i === 0 ? '' : cell)),
    rows,
  )}
<details><summary>${common.length} settings the runs share</summary>${table(['setting', 'value'], sameRows)}</details>`;
}

function formatNumber(value: number | undefined): string {
  return value === undefined ? '' : String(Number(value.toPrecision(4)));
}

function dataUri(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
}

function html(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON inside a <script>: no `</script>` or `<!--` can end or confuse it. */
function json(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; background: #fff; }
h1 { font-size: 22px; margin: 0; } h2 { font-size: 17px; margin: 28px 0 10px; }
.subtitle { color: #666; margin: 4px 0 0; }
.slider { display: flex; gap: 10px; align-items: center; margin-bottom: 12px; }
.slider input { width: min(600px, 70vw); }
.grids { display: flex; flex-wrap: wrap; gap: 18px; }
.run { margin: 0; }
.grid { width: 224px; height: auto; image-rendering: auto; /* smooth when a large (colour, 64 px) grid shrinks */ border: 1px solid #ccc; display: block; }
.missing { height: 224px; display: flex; align-items: center; justify-content: center; color: #999; }
figcaption { max-width: 224px; margin-top: 4px; word-break: break-word; }
.at { color: #666; font-size: 12px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; }
.chart { margin: 0; }
table { border-collapse: collapse; margin-bottom: 10px; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 4px 10px; text-align: left; font-variant-numeric: tabular-nums; }
th { background: #f6f6f6; }
details summary { cursor: pointer; color: #444; margin: 6px 0; }
`;

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

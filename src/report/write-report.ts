import { writeOutputFile } from '../atomic-files.js';
import { seriesOf } from './chart-series.js';
import { metricChart, runColour } from './charts.js';
import { compare } from './configurations.js';
import { reportHtml } from './html.js';
import { CHARTED_METRICS, type Report } from './report-run.js';

/** The report's page: the runs' sample grids side by side with a step slider, overlaid metric curves, settings. */
export async function renderReport(report: Report): Promise<string> {
  const comparison = compare(report);
  const colours = comparison.configurations.map((_, i) => runColour(i));
  const charts = [];
  for (const metric of CHARTED_METRICS) {
    // The runs' floors of this metric: one line when they were measured on the same data, as in a sweep.
    const floors = [...new Set(report.runs.flatMap((run) => run.floor?.[metric] ?? []))];
    const chart = await metricChart(metric, seriesOf(metric, comparison, colours), floors);
    if (chart) charts.push(chart);
  }
  return reportHtml(report, comparison, charts, colours);
}

/** Writes the report's page to `file` (whole or not at all), over a regular file or at a new path, nothing else. */
export async function writeReport(report: Report, file: string): Promise<void> {
  await writeOutputFile(file, await renderReport(report), true);
}

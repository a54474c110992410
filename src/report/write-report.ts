import { writeOutputFile } from '../atomic-files.js';
import { metricChart, runColour } from './charts.js';
import { reportHtml } from './html.js';
import { CHARTED_METRICS, type Report } from './report-run.js';

/** The report's page: the runs' sample grids side by side with a step slider, overlaid metric curves, settings. */
export async function renderReport(report: Report): Promise<string> {
  const charts: string[] = [];
  for (const metric of CHARTED_METRICS) {
    const svg = await metricChart(metric, report.runs);
    if (svg) charts.push(svg);
  }
  return reportHtml(
    report,
    charts,
    report.runs.map((_, i) => runColour(i)),
  );
}

/** Writes the report's page to `file` (whole or not at all), over a regular file or at a new path, nothing else. */
export async function writeReport(report: Report, file: string): Promise<void> {
  await writeOutputFile(file, await renderReport(report), true);
}

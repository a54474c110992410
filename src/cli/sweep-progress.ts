import { runName } from '../config/settings.js';
import { duration, type RunProgress } from '../runner/progress/run-progress.js';
import type { TrialRecord } from '../sweep/sweep.js';

/** The widest a line gets: a 120-column terminal. */
const COLUMNS = 120;
/** A terminal's table is redrawn at most this often; a plain stream gets a compact progress line this often. */
const REDRAW_MS = 1_000;
const PLAIN_INTERVAL_MS = 30_000;

export interface SweepProgressOptions {
  /** The metric that ranks the trials: shown for each trial when its run has it. */
  metric: string;
  stream?: NodeJS.WriteStream;
  now?: () => number;
  /** How often a plain stream gets its compact progress line. */
  plainIntervalMs?: number;
}

interface Row {
  trial: TrialRecord;
  progress?: RunProgress;
}

/**
 * A sweep's live progress on stderr: on a terminal, a table of the trials (state, step of steps, last metric, ETA)
 * redrawn in place about once a second; otherwise a line per trial state change and, every 30 s while trials run,
 * one compact line of where the running ones stand. Every line fits 120 columns. Other lines the sweep prints go
 * through `log`, which keeps them above the table.
 */
export function sweepProgress({
  metric,
  stream = process.stderr,
  now = Date.now,
  plainIntervalMs = PLAIN_INTERVAL_MS,
}: SweepProgressOptions) {
  const rows = new Map<number, Row>();
  const live = stream.isTTY === true;
  let drawn = 0;
  let lastDraw = 0;
  let lastPlain = now();
  let timer: NodeJS.Timeout | undefined;

  const rowOf = (trial: TrialRecord): Row => {
    const row = rows.get(trial.index) ?? { trial };
    row.trial = trial;
    rows.set(trial.index, row);
    return row;
  };
  const draw = () => {
    clearTimeout(timer);
    timer = undefined;
    lastDraw = now();
    const lines = tableLines([...rows.values()], metric);
    // Back to the table's first line, then each line rewritten and what is left below it cleared.
    stream.write(`${drawn > 0 ? `\x1b[${drawn}A\r` : ''}${lines.map((line) => `\x1b[2K${line}\n`).join('')}\x1b[J`);
    drawn = lines.length;
  };
  const redraw = () => {
    if (!live) return;
    const wait = REDRAW_MS - (now() - lastDraw);
    if (wait <= 0) draw();
    else timer ??= setTimeout(draw, wait).unref();
  };
  const say = (line: string) => {
    if (!live) stream.write(`${fit(line)}\n`);
    else {
      stream.write(`${drawn > 0 ? `\x1b[${drawn}A\r\x1b[J` : ''}${fit(line)}\n`);
      drawn = 0;
      draw();
    }
  };

  return {
    started(trial: TrialRecord) {
      rowOf(trial);
      if (live) redraw();
      else say(`trial ${trial.index} running (${nameOf(trial)})`);
    },
    progress(trial: TrialRecord, progress: RunProgress) {
      rowOf(trial).progress = progress;
      if (live) redraw();
      else if (now() - lastPlain >= plainIntervalMs) {
        lastPlain = now();
        say(compactLine([...rows.values()], metric));
      }
    },
    ended(trial: TrialRecord) {
      const row = rowOf(trial);
      const what = `trial ${trial.index} ${trial.status.toLowerCase()} (${nameOf(trial)})`;
      const step = row.progress ? `, ${row.progress.step} steps` : '';
      say(trial.error ? `${what}: ${trial.error}` : `${what}${step}${metricText(row, metric, ': ')}`);
    },
    /** A line of the sweep's own (a warning), printed above the table. */
    log: say,
    /** Draws the table one last time and stops redrawing. */
    close() {
      clearTimeout(timer);
      if (live && rows.size > 0) draw();
    },
  };
}

/** The table a terminal shows: a header, then a row per trial seen so far, in trial order. */
export function tableLines(rows: readonly Row[], metric: string): string[] {
  const cells = [...rows]
    .sort((a, b) => a.trial.index - b.trial.index)
    .map((row) => [
      String(row.trial.index),
      nameOf(row.trial),
      row.trial.status.toLowerCase(),
      row.progress ? `${row.progress.step}/${row.progress.steps}` : '',
      metricText(row, metric, ''),
      row.trial.status === 'RUNNING' && row.progress ? duration(row.progress.etaSeconds) : '',
    ]);
  const header = ['trial', 'run', 'state', 'step', 'last metric', 'ETA'];
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((row) => row[column].length)));
  // The run's name takes what the other columns leave of the 120.
  const others = widths.reduce((sum, width, column) => sum + (column === 1 ? 0 : width), 0) + 2 * (widths.length - 1);
  widths[1] = Math.max(8, Math.min(widths[1], COLUMNS - others));
  const line = (row: string[]) =>
    fit(
      row
        .map((cell, column) => truncate(cell, widths[column]).padEnd(widths[column]))
        .join('  ')
        .trimEnd(),
    );
  const counts = new Map<string, number>();
  for (const { trial } of rows) counts.set(trial.status, (counts.get(trial.status) ?? 0) + 1);
  const summary = [...counts].map(([status, count]) => `${count} ${status.toLowerCase()}`).join(', ');
  return [line(header), ...cells.map(line), `trials: ${summary}`];
}

/** Where the running trials stand, in one line: `progress: 1 ended, 2 running · #2 120/300 fid 45.21 ETA 1m20s · ...`. */
function compactLine(rows: readonly Row[], metric: string): string {
  const running = rows.filter((row) => row.trial.status === 'RUNNING');
  const ended = rows.length - running.length;
  const each = running.map(({ trial, progress }) =>
    progress
      ? `#${trial.index} ${progress.step}/${progress.steps} ${metricText({ trial, progress }, metric, '')} ETA ${duration(progress.etaSeconds)}`
      : `#${trial.index} starting`,
  );
  return [`progress: ${ended} ended, ${running.length} running`, ...each].join(' · ');
}

/**
 * The trial's last value of the ranking metric (its result's, else its latest evaluation's or step's), else its
 * FID, else its last losses; `prefix` before it when there is one.
 */
function metricText({ trial, progress }: Row, metric: string, prefix: string): string {
  const values = { ...progress?.losses, ...progress?.evaluation, ...trial.metrics };
  const shown = [metric, 'fid'].find((key) => values[key] !== undefined);
  if (shown) return `${prefix}${shown} ${number(values[shown])}`;
  const losses = ['d_loss', 'g_loss'].filter((key) => values[key] !== undefined);
  return losses.length > 0 ? `${prefix}${losses.map((key) => `${key[0]} ${number(values[key])}`).join(' ')}` : '';
}

/** What the trial varies (`loss=lsgan lr=0.0002`), as its run is named. */
function nameOf(trial: TrialRecord): string {
  return runName('', Object.entries(trial.values)) || `trial ${trial.index}`;
}

function number(value: number | string): string {
  return typeof value === 'number' && Number.isFinite(value) ? String(Number(value.toPrecision(4))) : String(value);
}

function truncate(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

function fit(line: string): string {
  return truncate(line, COLUMNS);
}

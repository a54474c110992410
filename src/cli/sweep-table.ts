import type { SweepRecord } from '../sweep/record.js';
import { comparison } from '../sweep/summary.js';
import { TABLE_WIDTH } from './runs-table.js';
import { formatTable } from './table.js';

/** A text column is cut no shorter than this to fit the width (a name still recognisable). */
const MIN_TEXT = 12;

/**
 * The sweep's comparison as printed at its end, within TABLE_WIDTH columns: runs by name (their ids are in
 * trials.csv), the longest text cells cut first, then the last columns left out (said in a note).
 */
export function sweepTable(record: SweepRecord): { text: string; notes: string[] } {
  const { columns, rows } = comparison(record);
  const shown = columns.flatMap((column, i) => (column.id ? [] : [i]));
  let table = [shown.map((i) => columns[i].heading), ...rows.map((row) => shown.map((i) => row[i]))];
  for (let text = formatTable(table); widest(text) > TABLE_WIDTH; text = formatTable(table)) {
    const cut = longestTextColumn(table);
    if (cut === undefined) break;
    const width = Math.max(...table.map((row) => row[cut].length));
    const target = Math.max(MIN_TEXT, width - (widest(text) - TABLE_WIDTH));
    table = table.map((row, r) => row.map((cell, c) => (c === cut && r > 0 ? shorten(cell, target) : cell)));
    if (target === MIN_TEXT) table[0][cut] = shorten(table[0][cut], MIN_TEXT);
  }
  let count = table[0].length;
  while (count > 2 && widest(formatTable(table.map((row) => row.slice(0, count)))) > TABLE_WIDTH) count--;
  const notes =
    count < table[0].length
      ? [`left out to fit ${TABLE_WIDTH} columns: ${table[0].slice(count).join(', ')} (all in trials.csv)`]
      : [];
  return { text: formatTable(table.map((row) => row.slice(0, count))), notes };
}

/** The column with the longest text cell longer than MIN_TEXT (numbers are never cut). */
function longestTextColumn(table: string[][]): number | undefined {
  let found: { column: number; length: number } | undefined;
  for (let column = 0; column < table[0].length; column++) {
    const cells = table.slice(1).map((row) => row[column]);
    if (cells.every((cell) => /^-?[\d.e+-]*$|^NaN$/.test(cell))) continue;
    const length = Math.max(...cells.map((cell) => cell.length));
    if (length > MIN_TEXT && (!found || length > found.length)) found = { column, length };
  }
  return found?.column;
}

function shorten(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

function widest(text: string): number {
  return Math.max(...text.split('\n').map((line) => [...line].length));
}

/** Rows as aligned text columns (the first row is the header); numbers right-aligned. */
export function formatTable(rows: string[][]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const numeric = widths.map((_, column) => rows.slice(1).every((row) => /^-?[\d.e+-]*$|^NaN$/.test(row[column])));
  return rows
    .map((row) =>
      row
        .map((cell, column) => (numeric[column] ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** A column of a Markdown table: numbers are right-aligned. */
export interface MarkdownColumn {
  heading: string;
  numeric?: boolean;
}

const FIGURE_SPACE = '\u2007';
const PUNCTUATION_SPACE = '\u2008';
/** Space on each side of a cell's text. */
const PAD = '&ensp;';

/**
 * The lines of a GFM table (a header, its separator with each column's alignment, the rows) that also reads well
 * where the renderer keeps neither (MLflow's run description strips the cells' style and gives tables no padding):
 * each cell has an en space on either side, and the numbers of a column are padded on the left with figure spaces
 * (a digit's width) and punctuation spaces (a point's), so they line up on the right in any proportional font.
 * A cell may hold a link (`[12.5](#/...)`): its text is what is measured.
 */
export function markdownTable(columns: readonly MarkdownColumn[], rows: readonly string[][]): string[] {
  const widths = columns.map((column, i) =>
    column.numeric ? widthOf(rows.map((row) => visible(row[i] ?? '')).filter(isNumber)) : { digits: 0, points: 0 },
  );
  const line = (cells: string[]) => `|${cells.map((cell) => `${PAD}${cell}${PAD}`).join('|')}|`;
  return [
    line(columns.map((column) => escapePipes(column.heading))),
    `|${columns.map((column) => (column.numeric ? '---:' : ':---')).join('|')}|`,
    ...rows.map((row) =>
      line(
        columns.map((column, i) => {
          const cell = escapePipes(row[i] ?? '');
          const text = visible(row[i] ?? '');
          if (!column.numeric || !isNumber(text)) return cell;
          const own = widthOf([text]);
          return `${FIGURE_SPACE.repeat(widths[i].digits - own.digits)}${PUNCTUATION_SPACE.repeat(widths[i].points - own.points)}${cell}`;
        }),
      ),
    ),
  ];
}

/** The text a cell shows: a link's text. */
function visible(cell: string): string {
  return /^\[([^\]]*)\]\([^)]*\)$/.exec(cell)?.[1] ?? cell;
}

function isNumber(text: string): boolean {
  return /^-?\d[\d.e+-]*$/.test(text);
}

/** How wide numbers are: their points and their other characters (digits, signs), the widest of each. */
function widthOf(numbers: string[]): { digits: number; points: number } {
  const points = (text: string) => (text.includes('.') ? 1 : 0);
  return {
    digits: Math.max(0, ...numbers.map((text) => text.length - points(text))),
    points: Math.max(0, ...numbers.map(points)),
  };
}

/** A `|` in a cell would end it. */
function escapePipes(cell: string): string {
  return cell.replaceAll('|', '\\|');
}

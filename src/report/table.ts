// Terminal tables, linear in the number of cells: one pass cleans and measures every cell, the column widths are
// fitted to the terminal, a second pass pads (or cuts with …). cli-table3 took 15 s for 1,000 rows and 181 s for
// 4,000. On a TTY: box borders, a coloured header, and the widest columns shrink until the table fits
// process.stdout.columns. Elsewhere: no borders, two spaces between columns, so output stays greppable and diffable.
import { ident } from '../store/duckdb.js';
import { output } from './output.js';
import { displayWidth, oneLine, stripColour, truncate } from './width.js';

export type Align = 'left' | 'right';

export interface TableOptions {
  /** The line above the table saying what it shows. */
  title?: string;
  /** Per column; by default right for columns whose every cell is a number, money or a percentage. */
  align?: readonly Align[];
  /** Box borders; by default when stdout is a terminal. */
  borders?: boolean;
  /** Columns to fit in; by default the terminal's width when stdout is one, else no limit. */
  width?: number;
  /**
   * Widest a cell may be before it is cut with … (default 80). Off a terminal the last column is never cut: it
   * costs no padding, and a piped table should keep what it can (validation details, long ids).
   */
  maxCell?: number;
  /** Colours for the title and header; by default output's decision for stdout. */
  colour?: { bold(s: string): string; cyan(s: string): string };
}

// 1,234.57 USD, <0.01 USD, -12, 45.0%, 0.000253
const NUMERIC = /^[<>]?-?[\d,]*\.?\d+(%| [A-Za-z]{3})?$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const NO_VALUE = new Set(['', '-', 'n/a', 'NULL']);
const MAX_CELL = 80;
const MIN_COLUMN = 6;

/** Renders rows under a header; cells may carry colour codes. */
export function renderTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  opts: TableOptions = {},
): string {
  const n = head.length;
  const maxCell = opts.maxCell ?? MAX_CELL;
  const available = opts.width ?? output.columns;
  const cap = (c: number) => (c < n - 1 || available !== undefined ? maxCell : Number.POSITIVE_INFINITY);
  const borders = opts.borders ?? output.tty;
  const colour = opts.colour ?? output.colour;

  // Pass 1: clean, cut and measure every cell once; see which columns hold only numbers. Cells and their widths
  // go into two flat arrays (not a tuple per cell), which keeps the garbage collector out of a 100k-row table.
  const cells: string[] = new Array((rows.length + 1) * n);
  const cellWidths = new Uint32Array((rows.length + 1) * n);
  const natural: number[] = new Array(n).fill(0);
  const bodyWidth: number[] = new Array(n).fill(0);
  const numeric: (boolean | undefined)[] = new Array(n).fill(undefined);
  const measure = (raw: string | undefined, at: number, c: number): string => {
    let s = raw ?? '';
    let w: number;
    if (PRINTABLE_ASCII.test(s)) w = s.length;
    else {
      s = oneLine(s);
      w = displayWidth(s);
    }
    if (w > cap(c)) {
      s = truncate(s, maxCell);
      w = displayWidth(s);
    }
    cells[at] = s;
    cellWidths[at] = w;
    if (w > (natural[c] as number)) natural[c] = w;
    return s;
  };
  for (let c = 0; c < n; c++) measure(head[c], c, c);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as readonly string[];
    const base = (r + 1) * n;
    for (let c = 0; c < n; c++) {
      const s = measure(row[c], base + c, c);
      if ((cellWidths[base + c] as number) > (bodyWidth[c] as number))
        bodyWidth[c] = cellWidths[base + c] as number;
      if (numeric[c] !== false && !NO_VALUE.has(s))
        numeric[c] = NUMERIC.test(s) || NUMERIC.test(stripColour(s));
    }
  }
  const right = head.map((_, c) => (opts.align?.[c] ?? (numeric[c] ? 'right' : 'left')) === 'right');

  const overhead = borders ? 3 * n + 1 : 2 * (n - 1);
  // A number is never cut (a cut number reads as another number): its column gives way down to its widest value only.
  const floors = natural.map((w, c) => (right[c] ? Math.min(w, bodyWidth[c] || 1) : Math.min(w, MIN_COLUMN)));
  const widths = available === undefined ? natural : fit(natural, available - overhead, floors);

  // Pass 2: pad to the column width, cutting what is still too wide.
  const padded = (at: number, c: number): string => {
    const s = cells[at] as string;
    const w = cellWidths[at] as number;
    const width = widths[c] as number;
    if (w > width) return truncate(s, width);
    if (w === width) return s;
    return right[c] ? ' '.repeat(width - w) + s : s + ' '.repeat(width - w);
  };
  const line = (r: number, paint: (s: string) => string = (s) => s): string => {
    const texts: string[] = new Array(n);
    for (let c = 0; c < n; c++) texts[c] = paint(padded(r * n + c, c));
    return borders ? `│ ${texts.join(' │ ')} │` : texts.join('  ').trimEnd();
  };
  const rule = (l: string, m: string, r: string) => `${l}${widths.map((w) => '─'.repeat(w + 2)).join(m)}${r}`;

  const lines: string[] = [];
  if (opts.title) lines.push(colour.bold(opts.title));
  if (borders) lines.push(rule('┌', '┬', '┐'));
  lines.push(line(0, (s) => colour.cyan(s)));
  if (borders) lines.push(rule('├', '┼', '┤'));
  for (let r = 1; r <= rows.length; r++) lines.push(line(r));
  if (borders) lines.push(rule('└', '┴', '┘'));
  return lines.join('\n');
}

/** Shrinks the widest columns, one at a time down to the next widest, until the total fits `budget`. */
export function fit(
  natural: readonly number[],
  budget: number,
  floor: readonly number[] = natural.map((w) => Math.min(w, MIN_COLUMN)),
): number[] {
  const widths = [...natural];
  let excess = widths.reduce((s, w) => s + w, 0) - budget;
  while (excess > 0) {
    let widest = -1;
    for (let c = 0; c < widths.length; c++)
      if ((widths[c] as number) > (floor[c] as number) && (widest < 0 || widths[c]! > widths[widest]!))
        widest = c;
    if (widest < 0) break;
    const w = widths[widest] as number;
    const next = Math.max(0, ...widths.filter((_, c) => c !== widest));
    const target = Math.max(floor[widest] as number, w - excess, Math.min(next, w - 1));
    excess -= w - target;
    widths[widest] = target;
  }
  return widths;
}

// CSV (RFC 4180) that is safe to open in a spreadsheet. The formula-injection rule, after OWASP
// (https://owasp.org/www-community/attacks/CSV_Injection): a cell that starts with =, +, -, @, tab or carriage
// return is prefixed with a single quote, unless the whole cell is a plain number (so -12.5 stays a number while
// -1+1 and -2+3+cmd|' /C calc'!A0 are neutralised). The rule is written once, here, and applied twice: by csvCell to
// the CSV made in JS, and as SQL (formulaSafeSql) to the CSV DuckDB writes itself when `aicost query` streams.

/** First characters a spreadsheet reads as the start of a formula. */
export const FORMULA_START = ['=', '+', '-', '@', '\t', '\r'] as const;

/** A plain number: optional sign, digits with an optional fraction, an optional exponent. JS and RE2 alike. */
export const PLAIN_NUMBER = '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?$';

const PLAIN_NUMBER_RE = new RegExp(PLAIN_NUMBER);
const STARTS: ReadonlySet<string> = new Set(FORMULA_START);

/** The cell as a spreadsheet will show it, never run it: `'` before a would-be formula. */
export function formulaSafe(value: string): string {
  return STARTS.has(value.charAt(0)) && !PLAIN_NUMBER_RE.test(value) ? `'${value}` : value;
}

/** One CSV field: formula-safe, quoted when it holds a quote, comma or line break; NULL is an empty field. */
export function csvCell(value: string | null): string {
  if (value === null) return '';
  const s = formulaSafe(value);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One CSV record, without its line break. */
export function csvLine(cells: readonly (string | null)[]): string {
  return cells.map(csvCell).join(',');
}

/** A whole CSV document: header and rows, `\n` between records. */
export function renderCsv(head: readonly string[], rows: readonly (readonly (string | null)[])[]): string {
  return [csvLine(head), ...rows.map(csvLine)].join('\n');
}

const SQL_STARTS = FORMULA_START.map((c) => `chr(${c.charCodeAt(0)})`).join(', ');

/**
 * The same rule over a VARCHAR column of a subquery, for CSV that DuckDB's COPY writes (DuckDB does the quoting).
 * The column is referenced four times, so give a column name, not an expression.
 */
export function formulaSafeSql(column: string): string {
  const c = ident(column);
  return `CASE WHEN left(${c}, 1) IN (${SQL_STARTS}) AND NOT regexp_matches(${c}, '${PLAIN_NUMBER}') THEN '''' || ${c} ELSE ${c} END`;
}

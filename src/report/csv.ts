// CSV (RFC 4180) that is safe to open in a spreadsheet. The formula-injection rule, after OWASP
// (https://owasp.org/www-community/attacks/CSV_Injection): a cell that starts with =, +, -, @, tab or carriage
// return is prefixed with a single quote, unless the whole cell is a plain number (so -12.5 stays a number while
// -1+1 and -2+3+cmd|' /C calc'!A0 are neutralised). The rule is written once, here, and applied twice: by csvCell to
// the CSV made in JS, and as SQL (formulaSafeSql) to the CSV DuckDB writes itself when `aicost query` streams.
import { ident } from '../store/duckdb.js';

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

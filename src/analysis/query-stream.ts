// `aicost query` without holding the result: CSV and JSON are written by DuckDB's COPY while the query runs and
// streamed out (store/copy-stream.ts), and the table reads only the rows it shows, counting the rest. runQuery
// (query.ts) stays for the library and the tests, where results are small.
import type { Readable } from 'node:stream';
import { InputError } from '../errors.js';
import { formulaSafe, formulaSafeSql } from '../report/table.js';
import { copyToStream } from '../store/copy-stream.js';
import { type Db, ident, withDb } from '../store/duckdb.js';
import { lockSession, readOnlyStatement } from './query-guard.js';
import { attachViews } from './views.js';

export type ExportFormat = 'csv' | 'json';

/** Types written as they are: numbers and times, which cannot start a spreadsheet formula. */
const SAFE_IN_CSV =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|DECIMAL|BOOLEAN|DATE|TIME|TIMESTAMP)\b/;
const NESTED = /(\[\d*\]$)|^(STRUCT|MAP|UNION)\b/;
/** Exact integers and decimals go to JSON as strings (a JS number would round them), as runQuery returns them. */
const EXACT = /^(BIGINT|HUGEINT|UBIGINT|UHUGEINT|DECIMAL|BIGNUM|VARINT)\b/;
const TIMESTAMP = /^TIMESTAMP\b/;
const FLOATING = /^(FLOAT|DOUBLE|REAL)$/;

/** ISO 8601 UTC, with as many fractional digits as the value has (the session time zone is UTC). */
function isoTimestamp(c: string): string {
  const f = (fmt: string) => `strftime(${c}, '%Y-%m-%dT%H:%M:%S${fmt}Z')`;
  return `CASE WHEN NOT isfinite(${c}) THEN CAST(${c} AS VARCHAR) WHEN microsecond(${c}) % 1000000 = 0 THEN ${f('')}
    WHEN microsecond(${c}) % 1000 = 0 THEN ${f('.%g')} ELSE ${f('.%f')} END`;
}

function jsonColumn(c: string, type: string): string {
  if (EXACT.test(type)) return `CAST(${c} AS VARCHAR)`;
  if (TIMESTAMP.test(type)) return isoTimestamp(c);
  // DuckDB writes NaN and Infinity bare, which is not JSON
  if (FLOATING.test(type))
    return `CASE WHEN isfinite(${c}) THEN to_json(${c}) ELSE to_json(CAST(${c} AS VARCHAR)) END`;
  return c;
}

/** Names made unique the way DuckDB does for a result (a, a_1): JSON keys must not collide. */
function uniqueNames(names: string[]): string[] {
  const seen = new Set<string>();
  return names.map((n) => {
    let name = n;
    for (let i = 1; seen.has(name); i++) name = `${n}_${i}`;
    seen.add(name);
    return name;
  });
}

/** The COPY source: the query with positional column names (c0, c1...), so duplicate names cannot clash. */
function exportSelect(body: string, columns: { name: string; type: string }[], format: ExportFormat): string {
  const pos = columns.map((_, i) => `c${i}`);
  // the newline ends a trailing -- comment in the user's statement before our closing parenthesis
  const source = `(${body}
) AS q(${pos.map(ident).join(', ')})`;
  if (format === 'json') {
    const names = uniqueNames(columns.map((c) => c.name));
    const list = columns.map(
      (col, i) => `${jsonColumn(ident(pos[i] as string), col.type)} AS ${ident(names[i] as string)}`,
    );
    return `SELECT ${list.join(', ')} FROM ${source}`;
  }
  const text = columns.map((col, i) => {
    const c = ident(pos[i] as string);
    if (SAFE_IN_CSV.test(col.type)) return `${c} AS ${c}`;
    return `CAST(${NESTED.test(col.type) ? `to_json(${c})` : c} AS VARCHAR) AS ${c}`;
  });
  const safe = columns.map((col, i) => {
    const name = ident(formulaSafe(col.name));
    return SAFE_IN_CSV.test(col.type)
      ? `${ident(pos[i] as string)} AS ${name}`
      : `${formulaSafeSql(pos[i] as string)} AS ${name}`;
  });
  return `SELECT ${safe.join(', ')} FROM (SELECT ${text.join(', ')} FROM ${source})`;
}

/** DuckDB threads for an export: unless AICOST_THREADS says otherwise, one. */
function exportThreads(): number {
  // The result is one sequential stream, so more threads buy little speed, while each one holds its own row group
  // of a wide scan (~60 MB for usage): one thread keeps a 1M-row export under 300 MB whatever the core count.
  return Number(process.env.AICOST_THREADS) || 1;
}

/**
 * Streams the result of `sql` as CSV (header, formula-safe) or as a JSON array of objects to `consume`. Returns
 * false, having run nothing, when the statement cannot be wrapped in COPY (SHOW, PRAGMA) or
 * does not bind. Anything but one read-only statement is an InputError (query-guard.ts): the caller then runs it the ordinary way, which reports the error.
 */
export async function exportQuery(
  home: string,
  sql: string,
  format: ExportFormat,
  consume: (stream: Readable) => Promise<void>,
): Promise<boolean> {
  return withDb({ threads: exportThreads() }, async (db) => {
    await attachViews(db, home);
    // ORDER BY in the query must survive the outer projection and COPY, whatever the thread count.
    await db.run('SET preserve_insertion_order = true');
    await lockSession(db);
    const body = await readOnlyStatement(db, sql);
    const columns = await describe(db, body);
    if (!columns) return false;
    const { stream, done } = await copyToStream(
      db,
      exportSelect(body, columns, format),
      format === 'csv' ? 'FORMAT csv, HEADER' : 'FORMAT json, ARRAY true',
    );
    try {
      await consume(stream);
      await done;
    } catch (e) {
      stream.destroy();
      await done.catch(() => {});
      throw e instanceof InputError
        ? e
        : new InputError(`query failed: ${(e as Error).message.split('\n')[0]}`);
    }
    return true;
  });
}

async function describe(db: Db, body: string): Promise<{ name: string; type: string }[] | undefined> {
  try {
    return await db.describe(`(${body}
)`);
  } catch {
    return undefined;
  }
}

/** The first `limit` rows of a result (JSON-safe values) and how many rows it has. */
export interface QueryPreview {
  columns: string[];
  types: string[];
  rows: unknown[][];
  total: number;
}

/**
 * Runs `sql` for a table: the first `limit` rows (all when 0) and how many there are. The rows are read with a LIMIT
 * and the rest counted by a second query: reading every chunk just to count it would hold them all, since a chunk's
 * native memory is freed only when V8 collects its small wrapper (1M usage rows: ~1 GB).
 */
export async function previewQuery(home: string, sql: string, limit: number): Promise<QueryPreview> {
  return withDb({}, async (db) => {
    await attachViews(db, home);
    await db.run('SET preserve_insertion_order = true');
    await lockSession(db);
    const body = await readOnlyStatement(db, sql);
    // SHOW, PRAGMA and friends cannot be a subquery; their results are small, so they are read whole.
    const wrap = limit > 0 && (await describe(db, body)) !== undefined;
    try {
      const result = await db.stream(
        wrap
          ? `SELECT * FROM (${body}
) LIMIT ${limit + 1}`
          : body,
      );
      const rows: unknown[][] = [];
      for (let chunk = await result.next(); chunk; chunk = await result.next()) rows.push(...chunk.rows());
      let total = rows.length;
      if (wrap && total > limit) {
        rows.length = limit;
        total = Number(
          (
            await db.one<{ n: string }>(`SELECT count(*) AS n FROM (${body}
)`)
          )?.n,
        );
      }
      return { columns: result.columns, types: result.types, rows, total };
    } catch (e) {
      throw new InputError(`query failed: ${(e as Error).message.split('\n')[0]}`);
    }
  });
}

// Row checks in two speeds. On the hot path every check is a guard inside the one COPY: a CASE that raises on
// the first bad record, so checking costs a predicate per row and no extra scan. Only when a guard fires does the
// slow path run: the same checks as a query that finds the first offending record, for a message that names file,
// record and column (an input error, exit 2).
import { InputError, InternalError } from '../errors.js';
import { type Db, ident, lit } from '../store/duckdb.js';
import { TOKEN_CLASSES } from '../usage/schema.js';
import type { RowCheck, SourceDefinition } from './contract.js';
import type { FileContext } from './file-context.js';
import { CSV_LINE_OPTIONS } from './read-input.js';

const GUARD = 'aicost-guard';

/** A predicate that is true for good rows and raises `aicost-guard:<kind>:<i>` on the first bad one. */
export function guardSql(kind: 'source' | 'output', rules: { bad: string }[]): string | undefined {
  if (rules.length === 0) return undefined;
  const whens = rules.map((c, i) => `WHEN ${c.bad} THEN error(${lit(`${GUARD}:${kind}:${i}`)})`).join(' ');
  return `(CASE ${whens} ELSE true END)`;
}

/** True when a DuckDB error came from one of our guards. */
export function isGuardError(e: unknown): boolean {
  return e instanceof Error && e.message.includes(`${GUARD}:`);
}

/** Checks on the produced rows that hold for every source of a dataset (derived rows; never carried-over FOCUS). */
export function outputRules(source: SourceDefinition): RowCheck[] {
  if (source.family === 'focus') return [];
  if (source.dataset === 'telemetry')
    return [
      {
        column: 'timestamp',
        bad: '"timestamp" IS NULL',
        problem: 'sample time is missing or not a date/time',
      },
    ] as RowCheck[];
  if (source.dataset === 'usage')
    return [
      { column: 'timestamp', bad: '"timestamp" IS NULL', problem: 'time is missing or not a date/time' },
      ...TOKEN_CLASSES.map((t) => ({ column: t, bad: `${ident(t)} < 0`, problem: 'negative token count' })),
    ] as RowCheck[];
  return [
    { column: 'BilledCost', bad: '"BilledCost" IS NULL', problem: 'cost is missing or not a number' },
    {
      column: 'ChargePeriodStart',
      bad: '"ChargePeriodStart" IS NULL',
      problem: 'charge period start is missing or not a date/time',
    },
    { column: 'BillingCurrency', bad: '"BillingCurrency" IS NULL', problem: 'currency is missing' },
  ] as RowCheck[];
}

/** Slow path: the first record of `rel` failing one of `rules` becomes an InputError naming record and column. */
export async function locateFailure(
  db: Db,
  rel: string,
  rules: RowCheck[],
  recordExpr: string,
  ctx: FileContext,
  recordKey?: string,
): Promise<InputError | null> {
  if (rules.length === 0) return null;
  // bool_or: a bad record whose record key is itself missing (no line, no request id) still fails
  const parts = rules
    .map((c, i) => `min(${recordExpr}) FILTER (WHERE ${c.bad}) AS c${i}, bool_or(${c.bad}) AS b${i}`)
    .join(', ');
  const r = await db.one<Record<string, string | boolean | null>>(`SELECT ${parts} FROM ${rel}`);
  for (const [i, c] of rules.entries()) {
    const rec = r?.[`c${i}`] as string | null | undefined;
    if ((rec === null || rec === undefined) && r?.[`b${i}`] === true)
      return new InputError(c.problem, { file: ctx.displayPath, column: c.column });
    if (rec === null || rec === undefined) continue;
    const line = recordKey && !/^\d+$/.test(rec) ? await locateLine(db, ctx, recordKey, rec) : null;
    const record = line ?? (/^\d+$/.test(rec) ? Number(rec) : rec);
    // the record's key names it (a request id), cut short: errors quote no more of the input (secrets.ts)
    const shown = rec.length > 60 ? `${rec.slice(0, 60)}…` : rec;
    const problem = line ? `${c.problem} (${recordKey} ${shown})` : c.problem;
    return new InputError(problem, { file: ctx.displayPath, record, column: c.column });
  }
  return null;
}

/** Error path only: the CSV line of the record whose key is `value` (file order needs insertion order kept). */
async function locateLine(db: Db, ctx: FileContext, keyCol: string, value: string): Promise<number | null> {
  if (!/\.(csv|tsv|txt)(\.gz|\.zst)?$/i.test(ctx.absPath) || ctx.files) return null;
  const compression = ctx.compression === 'none' ? '' : `, compression = ${lit(ctx.compression)}`;
  try {
    await db.run('SET preserve_insertion_order = true');
    const r = await db.one<{ n: string }>(
      `SELECT n FROM (SELECT row_number() OVER () + 1 AS n, ${ident(keyCol)} AS k
         FROM read_csv(${lit(ctx.absPath)}, header = true, all_varchar = true, ignore_errors = true,
           ${CSV_LINE_OPTIONS}${compression}))
       WHERE k = $1 LIMIT 1`,
      [value],
    );
    return r ? Number(r.n) : null;
  } finally {
    await db.run('SET preserve_insertion_order = false');
  }
}

/**
 * After a guard fired: find the record with the slow path, source checks first (they name the input column), then
 * the output checks over the mapped rows. A guard that fired on nothing the slow path finds is a bug.
 */
export async function explainGuard(
  db: Db,
  source: SourceDefinition,
  src: string,
  mapped: string,
  ctx: FileContext,
): Promise<InputError> {
  const where = source.where ? `(SELECT * FROM ${src} WHERE ${source.where})` : src;
  const recordExpr = source.recordKey
    ? `COALESCE(_record, CAST(${ident(source.recordKey)} AS VARCHAR))`
    : '_record';
  const fromSource = await locateFailure(db, where, source.checks ?? [], recordExpr, ctx, source.recordKey);
  if (fromSource) return fromSource;
  const recordCol = source.dataset === 'focus' ? 'x_SourceRecord' : 'source_record';
  const fromOutput = await locateFailure(db, `(${mapped})`, outputRules(source), recordCol, ctx);
  if (fromOutput) return fromOutput;
  throw new InternalError(`${ctx.displayPath}: a row check fired but no offending record was found`);
}

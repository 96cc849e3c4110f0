// Readers: turn one input file into the relation `src` that a source definition's map reads.
// CSV goes straight to DuckDB with declared types and rejects (line + column for bad values); JSON is flattened
// losslessly to NDJSON text first (see json-records.ts); Parquet is read as is.
import { InputError } from '../errors.js';
import { type Db, ident, lit } from '../store/duckdb.js';
import type { InputColumn, ReaderSpec, Sniff } from './contract.js';
import { CONTEXT_COLS, csvInputSql, type FileContext, parquetInputSql } from './file-context.js';
import { readJson } from './read-json.js';

export type { FileContext } from './file-context.js';

export interface SourceRelation {
  /** Name of the TEMP view/table holding `src`: declared columns + `_record` + context columns. */
  name: string;
  rowsIn: number;
  /** Declared columns the file lacks (optional ones: NULL). */
  absent: string[];
  /** Columns in the file that no definition reads (reported as a note). */
  unknown: string[];
  /** The definition's `let` columns are already in the relation. */
  letsDone?: boolean;
}

function requireColumns(spec: Record<string, InputColumn>, present: Set<string>, file: string): void {
  for (const [name, c] of Object.entries(spec)) {
    if (c.required && !present.has(name.toLowerCase())) {
      throw new InputError(`required column "${name}" is missing`, { file, column: name });
    }
  }
}

/** Projects declared columns (absent -> NULL of the declared type) plus `_record` and the context columns. */
function projection(
  spec: Record<string, InputColumn>,
  actual: Map<string, string>,
): { sql: string; absent: string[] } {
  const absent: string[] = [];
  const cols = Object.entries(spec).map(([name, c]) => {
    const real = actual.get(name.toLowerCase());
    if (real === undefined) {
      absent.push(name);
      return `CAST(NULL AS ${c.type}) AS ${ident(name)}`;
    }
    return `${ident(real)} AS ${ident(name)}`;
  });
  return { sql: cols.join(', '), absent };
}

async function readCsv(
  db: Db,
  sniff: Sniff,
  spec: Record<string, InputColumn>,
  ctx: FileContext,
  lineNumbers: boolean,
  lets: Record<string, string>,
) {
  const present = new Map(sniff.header.map((h) => [h.toLowerCase(), h]));
  requireColumns(spec, new Set(present.keys()), ctx.displayPath);
  const types = Object.entries(spec)
    .filter(([n]) => present.has(n.toLowerCase()))
    .map(([n, c]) => `${lit(present.get(n.toLowerCase())!)}: ${lit(c.type)}`)
    .join(', ');
  const rej = `rej_${ctx.tag}`;
  const reader = `read_csv(${csvInputSql(ctx)}, header = true, auto_detect = true, all_varchar = false,
      sample_size = 20480, types = {${types}}, store_rejects = true, ignore_errors = true,
      rejects_table = ${lit(rej)}, rejects_scan = ${lit(`${rej}_scan`)}, rejects_limit = 20)`;
  const proj = projection(spec, present);
  const name = `src_${ctx.tag}`;
  if (lineNumbers) {
    // Line numbers for lineage (x_SourceRecord) need file order: only for focus-sized inputs, off the hot path.
    await db.run('SET preserve_insertion_order = true');
    await db.run(
      `CREATE TEMP TABLE ${name} AS SELECT ${proj.sql}, CAST(row_number() OVER () + 1 AS VARCHAR) AS _record,
         ${CONTEXT_COLS(ctx)} FROM ${reader}`,
    );
    await db.run('SET preserve_insertion_order = false');
  } else {
    // Big request logs: one typed pass of the CSV into a staged Parquet (the same work as a plain COPY), so checks,
    // mapping and reconciliation read fast columnar data instead of re-parsing text.
    const staged = ctx.scratch(`${ctx.tag}.src.parquet`);
    // intermediate `let` columns (e.g. the one JSON parse of a metadata column) are computed in this same pass
    const letSql = Object.entries(lets)
      .map(([c, e]) => `, ${e} AS ${ident(c)}`)
      .join('');
    // `__` let columns are scratch: computed (later lets read them as lateral aliases) but not staged
    const scratch = Object.keys(lets).filter((c) => c.startsWith('__'));
    const exclude = scratch.length ? ` EXCLUDE (${scratch.map(ident).join(', ')})` : '';
    await db.run(
      `COPY (SELECT *${exclude} FROM (SELECT *${letSql} FROM (SELECT ${proj.sql}, ${CONTEXT_COLS(ctx)} FROM ${reader})))
         TO ${lit(staged)} (FORMAT parquet, COMPRESSION lz4_raw)`,
    );
    await db.run(
      `CREATE TEMP VIEW ${name} AS SELECT *, NULL::VARCHAR AS _record FROM read_parquet(${lit(staged)}, hive_partitioning = false)`,
    );
  }
  return {
    name,
    absent: proj.absent,
    unknown: sniff.header.filter((h) => !(h in spec) && !spec[h]),
    letsDone: !lineNumbers && Object.keys(lets).length > 0,
  };
}

/** After the relation has been scanned: a rejected CSV row is an input error naming line and column. */
export async function throwOnRejects(db: Db, ctx: FileContext): Promise<void> {
  const rej = `rej_${ctx.tag}`;
  const exists = await db.one<{ n: string }>(
    `SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = ${lit(rej)}`,
  );
  if (!exists || exists.n === '0') return;
  const r = await db.one<{
    line: string;
    column_name: string | null;
    error_type: string;
    error_message: string;
  }>(`SELECT line, column_name, error_type, error_message FROM ${rej} ORDER BY line LIMIT 1`);
  if (!r) return;
  const message =
    r.error_type === 'INVALID_UNICODE'
      ? 'not valid UTF-8 text'
      : r.error_message
          .replace(/\s+/g, ' ')
          .replace(/Column .* is being converted as type .*$/, '')
          .trim();
  throw new InputError(message, {
    file: ctx.displayPath,
    record: Number(r.line),
    column: r.column_name ?? undefined,
  });
}

async function readParquet(db: Db, spec: Record<string, InputColumn>, ctx: FileContext) {
  let cols: { name: string }[];
  try {
    cols = await db.describe(
      `SELECT * FROM read_parquet(${parquetInputSql(ctx)}, hive_partitioning = false)`,
    );
  } catch (e) {
    throw new InputError(`not a readable Parquet file (${(e as Error).message.split('\n')[0]})`, {
      file: ctx.displayPath,
    });
  }
  const present = new Map(cols.map((c) => [c.name.toLowerCase(), c.name]));
  requireColumns(spec, new Set(present.keys()), ctx.displayPath);
  const proj = projection(spec, present);
  const name = `src_${ctx.tag}`;
  await db.run('SET preserve_insertion_order = true');
  await db.run(
    `CREATE TEMP TABLE ${name} AS SELECT ${proj.sql}, CAST(row_number() OVER () AS VARCHAR) AS _record, ${CONTEXT_COLS(ctx)}
       FROM read_parquet(${parquetInputSql(ctx)}, hive_partitioning = false)`,
  );
  await db.run('SET preserve_insertion_order = false');
  return { name, absent: proj.absent, unknown: cols.map((c) => c.name).filter((c) => !(c in spec)) };
}

/** Creates the `src` relation for one file. */
export async function readInput(
  db: Db,
  sniff: Sniff,
  reader: ReaderSpec,
  ctx: FileContext,
  opts: { lineNumbers: boolean; lets?: Record<string, string> },
): Promise<SourceRelation> {
  let rel: { name: string; absent: string[]; unknown: string[]; letsDone?: boolean };
  if (reader.kind === 'csv')
    rel = await readCsv(db, sniff, reader.columns, ctx, opts.lineNumbers, opts.lets ?? {});
  else if (reader.kind === 'json') rel = await readJson(db, reader, ctx);
  else rel = await readParquet(db, reader.columns, ctx);
  let rowsIn: number;
  try {
    const r = await db.one<{ n: string }>(`SELECT count(*) AS n FROM ${rel.name}`);
    rowsIn = Number(r?.n ?? 0);
  } catch (e) {
    throw new InputError(
      `cannot be read as ${reader.kind.toUpperCase()}: ${(e as Error).message.split('\n')[0]}`,
      {
        file: ctx.displayPath,
      },
    );
  }
  await throwOnRejects(db, ctx);
  return { ...rel, rowsIn };
}

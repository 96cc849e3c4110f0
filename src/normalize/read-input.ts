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
  /** Name of the TEMP view holding `src`: declared columns + `_record` + context columns + `let` columns. */
  name: string;
  /** Declared columns the file lacks (optional ones: NULL). */
  absent: string[];
  /** Columns in the file that no definition reads (reported as a note). */
  unknown: string[];
  /** Scans must preserve insertion order (the relation numbers its records with a window). */
  ordered: boolean;
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

/** The file's header names (lowercase) -> actual spelling, with the source's aliases resolved to declared names. */
function headerMap(names: string[], aliases: Record<string, string[]> = {}): Map<string, string> {
  const present = new Map(names.map((h) => [h.toLowerCase(), h]));
  for (const [canonical, others] of Object.entries(aliases)) {
    if (present.has(canonical.toLowerCase())) continue;
    const hit = others.find((o) => present.has(o.toLowerCase()));
    if (hit) present.set(canonical.toLowerCase(), present.get(hit.toLowerCase())!);
  }
  return present;
}

/** `let` columns as one more projection layer (lateral aliases: later lets read earlier ones); `__` ones dropped. */
function withLets(inner: string, lets: Record<string, string>): string {
  if (Object.keys(lets).length === 0) return inner;
  // one projection layer per run of independent lets: a let that reads an earlier let of the same layer starts a new
  // one (DuckDB resolves lateral aliases in plain expressions, not inside lambdas or TRY)
  const layers: [string, string][][] = [[]];
  for (const [name, expr] of Object.entries(lets)) {
    const current = layers[layers.length - 1]!;
    if (current.some(([prev]) => new RegExp(`\\b${prev}\\b`).test(expr))) layers.push([[name, expr]]);
    else current.push([name, expr]);
  }
  let sql = inner;
  for (const layer of layers)
    sql = `SELECT *${layer.map(([c, e]) => `, ${e} AS ${ident(c)}`).join('')} FROM (${sql})`;
  const scratch = Object.keys(lets).filter((c) => c.startsWith('__'));
  return scratch.length ? `SELECT * EXCLUDE (${scratch.map(ident).join(', ')}) FROM (${sql})` : sql;
}

/**
 * The longest CSV line read, in bytes. DuckDB's default (2 MB) is below what request logs hold: a LiteLLM row whose
 * `messages` column (never read by aicost) carries a long prompt or an inline image is a real row, not bad input.
 * DuckDB sizes its read buffer at 16 x max_line_size unless told (16 MiB lines: 256 MiB buffers, 64 MiB: an
 * out-of-memory error at the 1 GB default limit), so the buffer stays at DuckDB's usual 32 MiB (CSV_LINE_OPTIONS).
 * A line over the limit is an input error.
 */
export const MAX_CSV_LINE = 16 * 1024 * 1024;
/** The read_csv options every CSV read of an input shares. */
export const CSV_LINE_OPTIONS = `max_line_size = ${MAX_CSV_LINE}, buffer_size = ${32 * 1024 * 1024}`;

/** DuckDB's read_csv over the input (or every file of a delivery), typed, with rejects kept for messages. */
function csvReader(ctx: FileContext, types: string): string {
  const rej = `rej_${ctx.tag}`;
  // a delivery's parts are read together (ingest checked that their headers match: DuckDB keeps no rejects with
  // union_by_name). The sniffer only has to find the dialect (every column read is declared): a 2,048-row sample
  // does, at a tenth of the 20,480-row sample's cost, paid twice (view and query binding). Telling DuckDB every
  // column instead (auto_detect off) was slower: it then converted the large columns no definition reads.
  return `read_csv(${csvInputSql(ctx)}, header = true, auto_detect = true, all_varchar = false,
      sample_size = 2048, ${CSV_LINE_OPTIONS}, types = {${types}}, store_rejects = true, ignore_errors = true,
      rejects_table = ${lit(rej)}, rejects_scan = ${lit(`${rej}_scan`)}, rejects_limit = 20)`;
}

/**
 * A CSV input as a streaming view: nothing is read until the pipeline's one COPY scans it. Line numbers
 * (x_SourceRecord) need file order, so they are only computed for focus-dataset inputs, whose queries run with
 * insertion order preserved; request logs name records by their request id instead.
 */
async function readCsv(
  db: Db,
  sniff: Sniff,
  spec: Record<string, InputColumn>,
  ctx: FileContext,
  opts: ReadOptions,
) {
  const present = headerMap(sniff.header, opts.aliases);
  requireColumns(spec, new Set(present.keys()), ctx.displayPath);
  const types = Object.entries(spec)
    .filter(([n]) => present.has(n.toLowerCase()))
    .map(([n, c]) => `${lit(present.get(n.toLowerCase())!)}: ${lit(c.type)}`)
    .join(', ');
  const proj = projection(spec, present);
  const record = opts.lineNumbers ? 'CAST(row_number() OVER () + 1 AS VARCHAR)' : 'NULL::VARCHAR';
  const inner = `SELECT ${proj.sql}, ${record} AS _record, ${CONTEXT_COLS(ctx)} FROM ${csvReader(ctx, types)}`;
  const name = `src_${ctx.tag}`;
  try {
    // creating the view sniffs the file: a line over MAX_CSV_LINE fails here, not in the scan
    await db.run(`CREATE TEMP VIEW ${name} AS ${withLets(inner, opts.lets ?? {})}`);
  } catch (e) {
    throw csvReadError(e, ctx);
  }
  const declared = new Set([
    ...Object.keys(spec).map((k) => k.toLowerCase()),
    ...Object.values(opts.aliases ?? {}).flatMap((xs) => xs.map((x) => x.toLowerCase())),
  ]);
  return {
    name,
    absent: proj.absent,
    unknown: sniff.header.filter((h) => !declared.has(h.toLowerCase())),
    ordered: opts.lineNumbers,
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

async function readParquet(db: Db, spec: Record<string, InputColumn>, ctx: FileContext, opts: ReadOptions) {
  let cols: { name: string }[];
  const file = `read_parquet(${parquetInputSql(ctx)}, hive_partitioning = false)`;
  try {
    cols = await db.describe(`SELECT * FROM ${file}`);
  } catch (e) {
    throw new InputError(`not a readable Parquet file (${(e as Error).message.split('\n')[0]})`, {
      file: ctx.displayPath,
    });
  }
  const present = headerMap(
    cols.map((c) => c.name),
    opts.aliases,
  );
  requireColumns(spec, new Set(present.keys()), ctx.displayPath);
  const proj = projection(spec, present);
  const name = `src_${ctx.tag}`;
  const inner = `SELECT ${proj.sql}, CAST(row_number() OVER () AS VARCHAR) AS _record, ${CONTEXT_COLS(ctx)} FROM ${file}`;
  await db.run(`CREATE TEMP VIEW ${name} AS ${withLets(inner, opts.lets ?? {})}`);
  const declared = new Set(Object.keys(spec).map((k) => k.toLowerCase()));
  return {
    name,
    absent: proj.absent,
    unknown: cols.map((c) => c.name).filter((c) => !declared.has(c.toLowerCase())),
    ordered: true,
  };
}

/**
 * A plain-text input one line per record (Prometheus text scrapes), as column `line` with its 1-based line number.
 * DuckDB's CSV reader with a delimiter and quote no text line carries keeps each line whole; it streams like CSV.
 */
async function readLines(db: Db, ctx: FileContext, opts: ReadOptions) {
  const reader = `read_csv(${csvInputSql(ctx)}, header = false, columns = {'line': 'VARCHAR'}, delim = '\x01',
      quote = '', escape = '', auto_detect = false, strict_mode = false, null_padding = true)`;
  const inner = `SELECT line, CAST(row_number() OVER () AS VARCHAR) AS _record, ${CONTEXT_COLS(ctx)} FROM ${reader}`;
  const name = `src_${ctx.tag}`;
  await db.run(`CREATE TEMP VIEW ${name} AS ${withLets(inner, opts.lets ?? {})}`);
  return { name, absent: [], unknown: [], ordered: true };
}

export interface ReadOptions {
  /** Compute line/record numbers (file order): focus-dataset inputs. */
  lineNumbers: boolean;
  lets?: Record<string, string>;
  aliases?: Record<string, string[]>;
}

/**
 * Creates the `src` relation for one file: a TEMP view (CSV, Parquet) or table (JSON, already flattened) with the
 * declared columns, `_record`, the context columns and the source's `let` columns. Nothing is scanned here.
 */
export async function readInput(
  db: Db,
  sniff: Sniff,
  reader: ReaderSpec,
  ctx: FileContext,
  opts: ReadOptions,
): Promise<SourceRelation> {
  if (reader.kind === 'csv') return readCsv(db, sniff, reader.columns, ctx, opts);
  if (reader.kind === 'parquet') return readParquet(db, reader.columns, ctx, opts);
  if (reader.kind === 'lines') return readLines(db, ctx, opts);
  const rel = await readJson(db, reader, ctx);
  const name = `${rel.name}_l`;
  await db.run(`CREATE TEMP VIEW ${name} AS ${withLets(`SELECT * FROM ${rel.name}`, opts.lets ?? {})}`);
  return { ...rel, name, ordered: false };
}

/** DuckDB's CSV error as an input error: its first line only (the next ones echo the raw line, prompts and keys). */
function csvReadError(e: unknown, ctx: FileContext): unknown {
  const lines = ((e as Error).message ?? '').split('\n');
  const size = lines.find((l) => l.startsWith('Maximum line size'));
  if (size)
    return new InputError(
      `a line is longer than ${MAX_CSV_LINE / 1024 / 1024} MiB (${size.replace(/^.*Actual Size:\s*/, '').replace(/\.$/, '')})`,
      // DuckDB's "on Line" counts from the sniffer's start, not the file's: no line number rather than a wrong one
      { file: ctx.displayPath },
    );
  if (/Invalid Input|CSV/i.test(lines[0] ?? ''))
    return new InputError(`cannot be read: ${lines[0]}`, { file: ctx.displayPath });
  return e;
}

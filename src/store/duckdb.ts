// The only module that opens DuckDB. Pins settings (UTC, no extension downloads, threads, memory, temp dir),
// binds parameters and quotes identifiers through one helper. Imported lazily by commands so `--help` stays fast.
import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';

export interface DbOptions {
  /** Database file; ':memory:' (default) for pure views over Parquet. */
  path?: string;
  /** Spill directory for big sorts and joins. */
  tempDirectory?: string;
  threads?: number;
  memoryLimit?: string;
}

export type Row = Record<string, unknown>;
export type Params = Record<string, DuckDBValue> | DuckDBValue[];

/** AICOST_TRACE_SQL=1: every statement's wall time on stderr, to see where a slow command spends it. */
const TRACE = process.env.AICOST_TRACE_SQL === '1';

/**
 * DuckDB's memory limit unless AICOST_MEMORY_LIMIT says otherwise. The product's budget is 1.5 GB peak RSS for the
 * whole process, and DuckDB's limit covers its buffer pool only: the CSV reader's buffers, string heaps and the
 * Parquet writer's row groups sit outside it, as does Node. With a 1 GB limit a 5 GB CUR ingest peaked at
 * 1.52 GB; at 700 MB it peaks near 1.15 GB for ~5 % more time (README, "Benchmarks").
 */
export const DEFAULT_MEMORY_LIMIT = '700MB';
function trace(t0: number, sql: string): void {
  const ms = (performance.now() - t0).toFixed(0).padStart(6);
  process.stderr.write(`sql ${ms} ms  ${sql.replace(/\s+/g, ' ').trim().slice(0, 140)}\n`);
}

/** A query result read chunk by chunk (about 2,048 rows each), for results too big to hold. */
export interface RowStream {
  columns: string[];
  /** DuckDB type of each column (`DECIMAL(38,18)`, `VARCHAR`...). */
  types: string[];
  /** The next chunk, or null at the end. Its rows are converted only when asked for. */
  next(): Promise<{ count: number; rows(): unknown[][] } | null>;
}

/** A connection with the few calls the rest of aicost uses. Close it in `finally`. */
export class Db {
  private readonly closers: (() => void)[] = [];

  private constructor(
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
  ) {}

  /** Runs `fn` when the connection closes: what must live exactly as long as it (a reader lease). */
  onClose(fn: () => void): void {
    this.closers.push(fn);
  }

  static async open(opts: DbOptions = {}): Promise<Db> {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const config: Record<string, string> = {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'true',
      memory_limit: opts.memoryLimit ?? process.env.AICOST_MEMORY_LIMIT ?? DEFAULT_MEMORY_LIMIT,
      // Insertion order is not needed for our writes; dropping it keeps COPY streaming and memory flat.
      preserve_insertion_order: 'false',
    };
    const threads = opts.threads ?? Number(process.env.AICOST_THREADS ?? 0);
    if (threads > 0) config.threads = String(threads);
    if (opts.tempDirectory) config.temp_directory = opts.tempDirectory;
    const instance = await DuckDBInstance.create(opts.path ?? ':memory:', config);
    const conn = await instance.connect();
    // icu ships inside the binary; loading it is what makes TimeZone settable.
    await conn.run('LOAD icu');
    await conn.run("SET TimeZone = 'UTC'");
    // DuckDB 1.5's TopN-window optimizer (`row_number() ... = 1` / `<= N` rewritten to an aggregate) failed with an
    // internal "expression type mismatch" on a GPU allocation over the demo's mix of sources (test/demo.test.ts):
    // a crash mid-command costs more than the optimization saves on our few such queries
    await conn.run("SET disabled_optimizers = 'top_n_window_elimination'");
    return new Db(instance, conn);
  }

  async run(sql: string, params?: Params): Promise<void> {
    const t0 = TRACE ? performance.now() : 0;
    await this.conn.run(sql, params as never);
    if (TRACE) trace(t0, sql);
  }

  /** Rows as JS objects; DECIMAL, BIGINT and TIMESTAMP come back as strings (JSON-safe, lossless). */
  async all<T = Row>(sql: string, params?: Params): Promise<T[]> {
    const t0 = TRACE ? performance.now() : 0;
    const reader = await this.conn.runAndReadAll(sql, params as never);
    if (TRACE) trace(t0, sql);
    return reader.getRowObjectsJson() as T[];
  }

  /** Streams a result; values convert as in `all` (DECIMAL, BIGINT and TIMESTAMP as strings). */
  async stream(sql: string): Promise<RowStream> {
    const { JsonDuckDBValueConverter } = await import('@duckdb/node-api');
    const result = await this.conn.stream(sql);
    return {
      columns: result.columnNames(),
      types: result.columnTypes().map((t) => t.toString()),
      next: async () => {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) return null;
        return { count: chunk.rowCount, rows: () => chunk.convertRows(JsonDuckDBValueConverter) };
      },
    };
  }

  async one<T = Row>(sql: string, params?: Params): Promise<T | undefined> {
    const rows = await this.all<T>(sql, params);
    return rows[0];
  }

  /** Column names and DuckDB types of a query, without running it over the data. */
  async describe(sql: string): Promise<{ name: string; type: string }[]> {
    const rows = await this.all<{ column_name: string; column_type: string }>(`DESCRIBE ${sql}`);
    return rows.map((r) => ({ name: r.column_name, type: r.column_type }));
  }

  close(): void {
    try {
      this.conn.closeSync();
      this.instance.closeSync();
    } finally {
      for (const fn of this.closers.splice(0)) fn();
    }
  }
}

/** Opens a Db, runs `fn`, closes it whatever happens. */
export async function withDb<T>(opts: DbOptions, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await Db.open(opts);
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Quotes an identifier. Every identifier that reaches SQL passes here. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A plain identifier check for names we build from definitions. */
export function isPlainIdent(name: string): boolean {
  return IDENT.test(name);
}

/** A SQL string literal. Used only for values we generate (file paths, constants from definitions). */
export function lit(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A literal list of file paths, for read_parquet([...]). */
export function litList(values: string[]): string {
  return `[${values.map(lit).join(', ')}]`;
}

// What the pipeline knows about the one input file it is reading: paths, hash, account, salt and tag policy, and
// the constant columns every reader adds to its relation.
import { lit } from '../store/duckdb.js';

export interface FileContext {
  /** The path as given by the user; recorded as x_SourceFile / source_file. */
  displayPath: string;
  /** The file the readers read (for stdin: the spooled copy). */
  absPath: string;
  /** Every data file of a folder delivery (read together as one input); absent for a single file. */
  files?: string[];
  /** Compression of the file(s), from the sniff's magic bytes. */
  compression: 'none' | 'gzip' | 'zstd';
  /**
   * The input's content hash, read by x_RowId of focus/ rows. Null while a usage/ input is staged: its hash is
   * computed at the same time (ingest.ts), and no usage column reads it.
   */
  sha256: string | null;
  account: string | null;
  salt: string;
  /** Tag keys whose values are hashed, and tag keys dropped, on usage rows. */
  hashTags?: string[];
  denyTags?: string[];
  /** IANA zone of local times without an offset (nvidia-smi timestamps); UTC when not given (docs/gpu.md). */
  timezone?: string;
  /** Unique suffix for this file's temp objects. */
  tag: string;
  /** Where NDJSON intermediates go (the transaction's staging area). */
  scratch: (name: string) => string;
}

export const CONTEXT_COLS = (ctx: FileContext): string =>
  [
    `${ctx.sha256 === null ? 'NULL::VARCHAR' : lit(ctx.sha256)} AS _input_sha`,
    `${lit(ctx.displayPath)} AS _source_file`,
    `${ctx.account === null ? 'NULL::VARCHAR' : lit(ctx.account)} AS _account`,
    `${lit(ctx.salt)} AS _salt`,
    `${lit(ctx.timezone ?? 'UTC')} AS _timezone`,
  ].join(', ');

const fileList = (ctx: FileContext): string | null =>
  ctx.files && ctx.files.length > 0 ? `[${ctx.files.map((f) => lit(f)).join(', ')}]` : null;

/**
 * The input argument of `read_csv`: the file, or a delivery's data files read together; plus the compression from
 * the magic bytes (DuckDB decompresses gzip and zstd itself, but guesses only from a `.gz`/`.zst` extension, which a
 * file called `export.dat` or the spooled stdin lacks). A delivery's CSV files are read by position, without
 * `union_by_name`: DuckDB refuses that together with the rejects table that names bad lines, so ingest checks first
 * that every part has the same header (ingest/inputs/prepare.ts).
 */
export function csvInputSql(ctx: FileContext): string {
  const input = fileList(ctx) ?? lit(ctx.absPath);
  return ctx.compression === 'none' ? input : `${input}, compression = ${lit(ctx.compression)}`;
}

/** The input argument of `read_parquet`: the file, or a delivery's data files with columns matched by name. */
export function parquetInputSql(ctx: FileContext): string {
  const list = fileList(ctx);
  return list ? `${list}, union_by_name = true` : lit(ctx.absPath);
}

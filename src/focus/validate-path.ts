// Opens a FOCUS dataset for `aicost validate PATH`: one file, or a folder of files of one dataset (any mix of CSV,
// gzip/zstd CSV and Parquet, in nested and hive-partitioned folders: the data home's own focus/ folder, a provider's
// export folder). CSV is read as raw text (every column VARCHAR, judged by castability, as a validator of text files
// should), Parquet with its own types; a folder mixing both is read as text, Parquet values written in their FOCUS
// text form. Anything that cannot be read as a dataset is an InputError (exit 2).
import { open, readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { InputError } from '../errors.js';
import { notDataReason } from '../ingest/discover.js';
import { fileCompression, stripCompressionExt } from '../normalize/decompress.js';
import type { Db } from '../store/duckdb.js';
import { ident, lit } from '../store/duckdb.js';
import { FILE_COLUMN, RECORD_COLUMN } from './rule-sql.js';
import { type FocusVersion, focusColumns } from './schema.js';

export interface OpenedDataset {
  relation: string;
  text: boolean;
  placeholderSource?: string;
  format: 'csv' | 'parquet' | 'mixed';
  /** The data files read (one for a file; a folder's CSV and Parquet files). */
  files: string[];
  /** Files of a folder that were not read, with the reason. */
  skipped: { path: string; reason: string }[];
  /** Drops the temporary views and tables. */
  close(): Promise<void>;
}

interface DataFile {
  path: string;
  format: 'csv' | 'parquet';
  compression: 'none' | 'gzip' | 'zstd';
}

const RAW = '__aicost_validate_raw';
const DATA = '__aicost_validate';
const PARQUET = '__aicost_validate_parquet';

/** Reads `path` (a file or a folder) into temporary relations of `db`. Throws InputError when it is not a dataset. */
export async function openDataset(
  db: Db,
  path: string,
  version: FocusVersion,
  /** Columns of which one must be present (default: the FOCUS columns of `version`). */
  expected: string[] = focusColumns(version).map((c) => c.id),
): Promise<OpenedDataset> {
  const { files, skipped, folder } = await listDataFiles(path);
  const csv = files.filter((f) => f.format === 'csv');
  const parquet = files.filter((f) => f.format === 'parquet');
  const where = folder ? { file: path } : { file: files[0]?.path ?? path };
  let opened: OpenedDataset;
  if (!csv.length) opened = await openParquet(db, parquet, folder, where.file);
  else opened = await openText(db, csv, parquet, folder, where.file);
  opened.skipped = skipped;
  const cols = await db.describe(`SELECT * FROM ${ident(opened.relation)}`);
  const known = new Set(expected);
  if (!cols.some((c) => known.has(c.name))) {
    await opened.close();
    throw new InputError(`not a FOCUS dataset: none of the FOCUS ${version} columns found`, where);
  }
  return opened;
}

/** The data files of a file or folder path; a folder's files that are not CSV or Parquet are skipped with a reason. */
async function listDataFiles(
  path: string,
): Promise<{ files: DataFile[]; skipped: OpenedDataset['skipped']; folder: boolean }> {
  const info = await stat(path).catch(() => {
    throw new InputError('file or folder not found', { file: path });
  });
  if (info.isFile()) {
    if (info.size === 0) throw new InputError('empty file: not a dataset', { file: path });
    return { files: [await classify(path)], skipped: [], folder: false };
  }
  if (!info.isDirectory()) throw new InputError('not a file or folder', { file: path });
  const files: DataFile[] = [];
  const skipped: OpenedDataset['skipped'] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    for (const e of entries) {
      const p = join(dir, e.name);
      // Hidden files and the `_SUCCESS` / `_committed_…` markers lakehouse writers leave are not data.
      if (e.name.startsWith('.') || e.name.startsWith('_')) continue;
      if (e.isDirectory()) await walk(p);
      else if (!e.isFile()) continue;
      else if (notDataReason(p)) skipped.push({ path: p, reason: notDataReason(p) as string });
      else if ((await stat(p)).size === 0) skipped.push({ path: p, reason: 'empty file' });
      else {
        const f = await classify(p);
        const named = /\.(csv|parquet)$/i.test(stripCompressionExt(p));
        if (named || f.format === 'parquet') files.push(f);
        else skipped.push({ path: p, reason: 'not a .csv, .csv.gz, .csv.zst or Parquet file' });
      }
    }
  };
  await walk(path);
  if (!files.length)
    throw new InputError(
      'no CSV or Parquet files in the folder: not a dataset',
      { file: path },
      skipped.length ? `skipped: ${skipped.map((s) => s.path).join(', ')}` : undefined,
    );
  return { files, skipped, folder: true };
}

async function classify(path: string): Promise<DataFile> {
  if (extname(path).toLowerCase() === '.parquet' || (await isParquet(path)))
    return { path, format: 'parquet', compression: 'none' };
  return { path, format: 'csv', compression: fileCompression(path) };
}

async function isParquet(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4);
    await fh.read(buf, 0, 4, 0);
    return buf.toString('latin1') === 'PAR1';
  } finally {
    await fh.close();
  }
}

/**
 * The delimiter of a CSV, from its header line (the most frequent of `,` `;` tab `|`): DuckDB's sniffer, which also
 * looks at the data lines, reads a file whose last line is short or blank as one column.
 */
async function headerDelimiter(path: string): Promise<string | undefined> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const header = buf.subarray(0, bytesRead).toString('utf8').split(/\r?\n/)[0] ?? '';
    const counts = [',', ';', '\t', '|'].map((d) => [d, header.split(d).length - 1] as const);
    const [best] = counts.sort((a, b) => b[1] - a[1]);
    return best && best[1] > 0 ? best[0] : undefined;
  } finally {
    await fh.close();
  }
}

/** A file list for a DuckDB reader. */
const fileList = (files: DataFile[]) => `[${files.map((f) => lit(f.path)).join(', ')}]`;

/** Parquet files as one typed relation with their record numbers (and file names, for a folder). */
function parquetSelect(files: DataFile[], folder: boolean): string {
  const file = folder ? `, filename AS ${ident(FILE_COLUMN)}` : '';
  return (
    `SELECT * EXCLUDE (file_row_number, filename), (file_row_number + 1)::INTEGER AS ${ident(RECORD_COLUMN)}${file} ` +
    `FROM read_parquet(${fileList(files)}, file_row_number = true, filename = true, union_by_name = true, hive_partitioning = false)`
  );
}

async function openParquet(
  db: Db,
  files: DataFile[],
  folder: boolean,
  where: string,
): Promise<OpenedDataset> {
  await guard(where, 'Parquet', () =>
    db.run(`CREATE OR REPLACE TEMP VIEW ${ident(DATA)} AS ${parquetSelect(files, folder)}`),
  );
  // A view reads lazily: touch the data now so unreadable bytes surface as an input error here.
  await guard(where, 'Parquet', () => db.run(`SELECT count(*) FROM ${ident(DATA)}`));
  return {
    relation: DATA,
    text: false,
    format: 'parquet',
    files: files.map((f) => f.path),
    skipped: [],
    close: () => db.run(`DROP VIEW IF EXISTS ${ident(DATA)}`),
  };
}

/**
 * CSV files (and, in a mixed folder, Parquet files written as text) as one relation of raw text with their line
 * numbers (header = line 1), then the same with the literal `NULL` read as NULL.
 */
async function openText(
  db: Db,
  csv: DataFile[],
  parquet: DataFile[],
  folder: boolean,
  where: string,
): Promise<OpenedDataset> {
  const parts: string[] = [];
  const drop: string[] = [];
  // Each file is materialized on its own so that row_number() counts its lines; insertion order must hold.
  await withSetting(db, 'preserve_insertion_order', 'true', async () => {
    for (const [i, f] of csv.entries()) {
      const t = `${RAW}_${i}`;
      const file = folder ? `, ${lit(f.path)} AS ${ident(FILE_COLUMN)}` : '';
      const delim = f.compression === 'none' ? await headerDelimiter(f.path) : undefined;
      await guard(f.path, 'CSV', () =>
        db.run(
          `CREATE OR REPLACE TEMP TABLE ${ident(t)} AS SELECT (row_number() OVER () + 1)::INTEGER AS ${ident(RECORD_COLUMN)}${file}, * ` +
            `FROM read_csv(${lit(f.path)}, all_varchar = true, header = true, nullstr = ['NULL', ''], allow_quoted_nulls = false, hive_partitioning = false${delim ? `, delim = ${lit(delim)}` : ''}, compression = ${lit(f.compression === 'none' ? 'auto' : f.compression)})`,
        ),
      );
      drop.push(`DROP TABLE IF EXISTS ${ident(t)}`);
      parts.push(`SELECT * FROM ${ident(t)}`);
    }
  });
  if (parquet.length) {
    await guard(where, 'Parquet', () =>
      db.run(`CREATE OR REPLACE TEMP VIEW ${ident(PARQUET)} AS ${parquetSelect(parquet, folder)}`),
    );
    drop.push(`DROP VIEW IF EXISTS ${ident(PARQUET)}`);
    const cols = await db.describe(`SELECT * FROM ${ident(PARQUET)}`);
    parts.push(`SELECT ${cols.map((c) => asText(c.name, c.type)).join(', ')} FROM ${ident(PARQUET)}`);
  }
  await guard(where, 'a dataset', () =>
    db.run(`CREATE OR REPLACE TEMP TABLE ${ident(RAW)} AS ${parts.join('\nUNION ALL BY NAME\n')}`),
  );
  drop.unshift(`DROP TABLE IF EXISTS ${ident(RAW)}`);
  const lineage = new Set([RECORD_COLUMN, FILE_COLUMN]);
  const cols = (await db.describe(`SELECT * FROM ${ident(RAW)}`)).filter((c) => !lineage.has(c.name));
  // An unquoted NULL or empty field is the CSV's null (the FOCUS sample data write NULL); a quoted "NULL" or "" is
  // a string, which NullHandling reports as a placeholder, and which every other rule reads as NULL.
  const select = cols.map((c) => `NULLIF(${ident(c.name)}, 'NULL') AS ${ident(c.name)}`).join(', ');
  const keep = [RECORD_COLUMN, ...(folder ? [FILE_COLUMN] : [])].map(ident).join(', ');
  await db.run(`CREATE OR REPLACE TEMP TABLE ${ident(DATA)} AS SELECT ${keep}, ${select} FROM ${ident(RAW)}`);
  drop.unshift(`DROP TABLE IF EXISTS ${ident(DATA)}`);
  return {
    relation: DATA,
    text: true,
    placeholderSource: ident(RAW),
    format: parquet.length ? 'mixed' : 'csv',
    files: [...csv, ...parquet].map((f) => f.path),
    skipped: [],
    close: async () => {
      for (const d of drop) await db.run(d);
    },
  };
}

/** A typed Parquet column in its FOCUS text form: UTC times as `YYYY-MM-DDTHH:mm:ssZ`, numbers as written. */
function asText(name: string, type: string): string {
  const c = ident(name);
  if (name === RECORD_COLUMN) return c;
  if (type === 'TIMESTAMP WITH TIME ZONE')
    return `strftime(timezone('UTC', ${c}), '%Y-%m-%dT%H:%M:%SZ') AS ${c}`;
  if (type === 'VARCHAR') return c;
  return `CAST(${c} AS VARCHAR) AS ${c}`;
}

async function withSetting(db: Db, name: string, value: string, fn: () => Promise<void>): Promise<void> {
  const before = await db.one<{ v: string }>(`SELECT current_setting(${lit(name)})::VARCHAR AS v`);
  await db.run(`SET ${name} = ${value}`);
  try {
    await fn();
  } finally {
    await db.run(`SET ${name} = ${before?.v ?? value}`);
  }
}

async function guard(path: string, what: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0];
    throw new InputError(`cannot be read as ${what}: ${msg}`, { file: path });
  }
}

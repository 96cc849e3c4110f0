// Opens a FOCUS file for `aicost validate PATH`: CSV as raw text (every column VARCHAR, judged by castability, as a
// validator of text files should) or Parquet with its own types. Anything that cannot be read as a dataset is an
// InputError (exit 2).
import { open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { InputError } from '../errors.js';
import type { Db } from '../store/duckdb.js';
import { ident, lit } from '../store/duckdb.js';
import { RECORD_COLUMN } from './rule-sql.js';
import { type FocusVersion, focusColumns } from './schema.js';

export interface OpenedDataset {
  relation: string;
  text: boolean;
  placeholderSource?: string;
  format: 'csv' | 'parquet';
  /** Drops the temporary views and tables. */
  close(): Promise<void>;
}

const RAW = '__aicost_validate_raw';
const DATA = '__aicost_validate';

/** Reads `path` into temporary relations of `db`. Throws InputError for a missing, empty or unreadable file. */
export async function openDataset(db: Db, path: string, version: FocusVersion): Promise<OpenedDataset> {
  const info = await stat(path).catch(() => {
    throw new InputError('file not found', { file: path });
  });
  if (!info.isFile())
    throw new InputError('not a file', { file: path }, 'validate a view of the data home with --view focus');
  if (info.size === 0) throw new InputError('empty file: not a dataset', { file: path });
  const format = (await isParquet(path)) ? 'parquet' : 'csv';
  const opened = format === 'parquet' ? await openParquet(db, path) : await openCsv(db, path);
  const cols = await db.describe(`SELECT * FROM ${ident(opened.relation)}`);
  const known = new Set(focusColumns(version).map((c) => c.id));
  if (!cols.some((c) => known.has(c.name))) {
    await opened.close();
    throw new InputError(`not a FOCUS dataset: none of the FOCUS ${version} columns found`, { file: path });
  }
  return opened;
}

async function isParquet(path: string): Promise<boolean> {
  if (extname(path).toLowerCase() === '.parquet') return true;
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4);
    await fh.read(buf, 0, 4, 0);
    return buf.toString('latin1') === 'PAR1';
  } finally {
    await fh.close();
  }
}

async function openParquet(db: Db, path: string): Promise<OpenedDataset> {
  await guard(path, 'Parquet', () =>
    db.run(
      `CREATE OR REPLACE TEMP VIEW ${ident(DATA)} AS SELECT * EXCLUDE (file_row_number), ` +
        `(file_row_number + 1)::INTEGER AS ${ident(RECORD_COLUMN)} FROM read_parquet(${lit(path)}, file_row_number = true, hive_partitioning = false)`,
    ),
  );
  // A view reads lazily: touch the data now so unreadable bytes surface as an input error here.
  await guard(path, 'Parquet', () => db.run(`SELECT count(*) FROM ${ident(DATA)}`));
  return {
    relation: DATA,
    text: false,
    format: 'parquet',
    close: () => db.run(`DROP VIEW IF EXISTS ${ident(DATA)}`),
  };
}

async function openCsv(db: Db, path: string): Promise<OpenedDataset> {
  // Materialized once with its line numbers (header = line 1); insertion order must hold for row_number().
  const setting = await db.one<{ v: string }>(
    `SELECT current_setting('preserve_insertion_order')::VARCHAR AS v`,
  );
  await db.run('SET preserve_insertion_order = true');
  try {
    await guard(path, 'CSV', () =>
      db.run(
        `CREATE OR REPLACE TEMP TABLE ${ident(RAW)} AS SELECT (row_number() OVER () + 1)::INTEGER AS ${ident(RECORD_COLUMN)}, * ` +
          `FROM read_csv(${lit(path)}, all_varchar = true, header = true, allow_quoted_nulls = false)`,
      ),
    );
  } finally {
    await db.run(`SET preserve_insertion_order = ${setting?.v === 'false' ? 'false' : 'true'}`);
  }
  const cols = (await db.describe(`SELECT * FROM ${ident(RAW)}`)).filter((c) => c.name !== RECORD_COLUMN);
  // The literal text NULL (the official 1.0 sample's convention) reads as NULL; NullHandling still reports it.
  const select = cols.map((c) => `NULLIF(${ident(c.name)}, 'NULL') AS ${ident(c.name)}`).join(', ');
  await db.run(
    `CREATE OR REPLACE TEMP TABLE ${ident(DATA)} AS SELECT ${ident(RECORD_COLUMN)}, ${select} FROM ${ident(RAW)}`,
  );
  return {
    relation: DATA,
    text: true,
    placeholderSource: ident(RAW),
    format: 'csv',
    close: async () => {
      await db.run(`DROP TABLE IF EXISTS ${ident(DATA)}`);
      await db.run(`DROP TABLE IF EXISTS ${ident(RAW)}`);
    },
  };
}

async function guard(path: string, what: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0];
    throw new InputError(`cannot be read as ${what}: ${msg}`, { file: path });
  }
}

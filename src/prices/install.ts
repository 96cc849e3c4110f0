// Installing the price tables into a connection, fast. Parsing book.yaml and inserting a few thousand lookup rows
// took ~0.3 s of every command that prices usage; so `npm run build` compiles the bundled book's tables once into
// prices/.compiled/ (Parquet, stamped with a hash of the book and of the code that builds the tables) and a run
// without a rate card loads them in milliseconds. With a rate card, or when the compiled copy is missing or stale
// (the book or this code changed since the build), the tables are computed from the files as before.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Db, lit } from '../store/duckdb.js';
import { BOOK_PATH, loadPriceBook, type PriceBook } from './book.js';
import { installCloudAliases, installPriceBook } from './sql.js';

/** The TEMP tables installPriceBook creates (prices/sql.ts). */
const TABLES = ['model_alias', 'price_wide', 'price_lookup'] as const;

/** Where the build puts the compiled tables of the bundled book (works from src/ and from dist/). */
export const COMPILED_DIR = fileURLToPath(new URL('../../prices/.compiled/', import.meta.url));

/** The modules whose code shapes the tables: a change to any of them makes a compiled copy stale. */
const BUILDERS = ['./book', './sql', './effective', './names', './schema', './decimal'];

/** A hash of the bundled book and of the code that turns it into tables, as this process sees them. */
export function bundledStamp(): string {
  const h = createHash('sha256').update(readFileSync(BOOK_PATH));
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  for (const m of BUILDERS) h.update(readFileSync(fileURLToPath(new URL(`${m}${ext}`, import.meta.url))));
  return h.digest('hex');
}

/**
 * Creates the price tables in `db`: a book already loaded (the bundled book with a rate card, validated before
 * anything was written) is installed as is; otherwise the compiled copy when it is current, else the files.
 */
export async function installPrices(
  db: Db,
  opts: { book?: PriceBook | null; compiledDir?: string } = {},
): Promise<void> {
  if (opts.book) return installPriceBook(db, opts.book);
  const dir = opts.compiledDir ?? COMPILED_DIR;
  if (isCurrent(dir)) {
    for (const t of TABLES)
      await db.run(
        `CREATE OR REPLACE TEMP TABLE ${t} AS SELECT * FROM read_parquet(${lit(join(dir, `${t}.parquet`))})`,
      );
    await installCloudAliases(db);
    return;
  }
  await installPriceBook(db, loadPriceBook());
}

function isCurrent(dir: string): boolean {
  const stampFile = join(dir, 'stamp.json');
  if (!existsSync(stampFile)) return false;
  try {
    return JSON.parse(readFileSync(stampFile, 'utf8')).stamp === bundledStamp();
  } catch {
    return false;
  }
}

/** Writes the bundled book's tables to `dir` (the build step; atomic: a half-written copy is never current). */
export async function compilePrices(db: Db, dir: string = COMPILED_DIR): Promise<void> {
  await installPriceBook(db, loadPriceBook());
  const tmp = `${dir.replace(/\/$/, '')}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  for (const t of TABLES)
    await db.run(`COPY ${t} TO ${lit(join(tmp, `${t}.parquet`))} (FORMAT parquet, COMPRESSION zstd)`);
  writeFileSync(join(tmp, 'stamp.json'), `${JSON.stringify({ stamp: bundledStamp() })}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
}

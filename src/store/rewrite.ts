// Rewriting stored Parquet: the one mechanism behind replacement keys, identical-row de-duplication, allocation
// replacement and stale-allocation pruning (rows removed), and behind pairing and burn-down (rows recomputed). A file
// is never edited: a copy is staged and swapped in by the transaction.
import { type Db, lit } from './duckdb.js';
import { fileTotals, PARQUET, shortHash } from './files.js';
import type { StoredFile } from './manifest.js';
import type { Transaction } from './transaction.js';

/** A file of the data home as the current command sees it: committed, or staged by this transaction. */
export interface WorkingFile {
  /** Absolute path of the Parquet (stored or staged). */
  abs: string;
  file: StoredFile;
  staged: boolean;
}

/**
 * Counts the rows of `w` matching `drop` (a SQL predicate) and, when there are some, stages a copy without them.
 * `file` is `w` itself when nothing matched, the staged copy otherwise, and null when every row matched.
 */
export async function withoutRows(
  db: Db,
  tx: Transaction,
  w: WorkingFile,
  drop: string,
  tag: string,
): Promise<{ dropped: number; file: WorkingFile | null }> {
  const src = `read_parquet(${lit(w.abs)}, hive_partitioning = false)`;
  const hit = await db.one<{ n: string }>(`SELECT count(*)::VARCHAR AS n FROM ${src} WHERE ${drop}`);
  const dropped = Number(hit?.n ?? 0);
  if (dropped === 0) return { dropped, file: w };
  if (dropped === w.file.rows) return { dropped, file: null };
  const name = shortHash(w.file.path, tag, String(dropped));
  const staged = tx.stagePath(`rewrite/${name}.parquet`);
  await db.run(
    `COPY (SELECT * FROM ${src} WHERE NOT (${drop})) TO ${lit(staged)} (FORMAT parquet, ${PARQUET})`,
  );
  const t = await fileTotals(db, w.file.dataset, staged);
  const path = w.file.path.replace(/[^/]+\.parquet$/, `${name}.parquet`);
  return {
    dropped,
    file: { abs: staged, staged: true, file: { ...w.file, path, rows: t.rows, totals: t.totals } },
  };
}

/**
 * Stages the rows of `select` (a recomputed version of `w`'s rows, e.g. pairing or burn-down) as the file that
 * replaces `w`, named `name` in `w`'s folder, with its totals recounted.
 */
export async function withRecomputedRows(
  db: Db,
  tx: Transaction,
  w: WorkingFile,
  select: string,
  name: string,
): Promise<WorkingFile> {
  const staged = tx.stagePath(`rewrite/${name}.parquet`);
  await db.run(`COPY (${select}) TO ${lit(staged)} (FORMAT parquet, ${PARQUET})`);
  const t = await fileTotals(db, w.file.dataset, staged);
  const path = w.file.path.replace(/[^/]+\.parquet$/, `${name}.parquet`);
  return { abs: staged, staged: true, file: { ...w.file, path, rows: t.rows, totals: t.totals } };
}

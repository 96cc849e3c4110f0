// Any ingest or forget that removes origin rows drops their allocated rows and factors in the same manifest swap
// (PRODUCT §2), so the `attributed` view never double counts and never keeps allocations of vanished charges.
import { type Db, lit, litList } from '../store/duckdb.js';
import { fileTotals, shortHash } from '../store/files.js';
import type { Transaction } from '../store/transaction.js';
import type { WorkingFile } from './replace.js';

export async function pruneAllocations(
  db: Db,
  tx: Transaction,
  working: WorkingFile[],
): Promise<WorkingFile[]> {
  const alloc = working.filter(
    (w) => w.file.dataset === 'allocated' || w.file.dataset === 'allocation-factors',
  );
  if (alloc.length === 0) return working;
  const focus = working.filter((w) => w.file.dataset === 'focus').map((w) => w.abs);
  await db.run(
    focus.length
      ? `CREATE OR REPLACE TEMP TABLE live_rows AS SELECT DISTINCT x_RowId AS rid FROM read_parquet(${litList(focus)}, hive_partitioning = false)`
      : 'CREATE OR REPLACE TEMP TABLE live_rows (rid VARCHAR)',
  );
  const out: WorkingFile[] = working.filter((w) => !alloc.includes(w));
  for (const w of alloc) {
    const col = w.file.dataset === 'allocated' ? 'x_OriginRowId' : 'origin_row_id';
    const stale = `${col} NOT IN (SELECT rid FROM live_rows)`;
    const hit = await db.one<{ n: string }>(
      `SELECT count(*)::VARCHAR AS n FROM read_parquet(${lit(w.abs)}, hive_partitioning = false) WHERE ${stale}`,
    );
    const n = Number(hit?.n ?? 0);
    if (n === 0) {
      out.push(w);
      continue;
    }
    if (n === w.file.rows) continue;
    const name = shortHash(w.file.path, 'pruned', String(n));
    const staged = tx.stagePath(`prune/${name}.parquet`);
    await db.run(
      `COPY (SELECT * FROM read_parquet(${lit(w.abs)}, hive_partitioning = false) WHERE NOT (${stale})) TO ${lit(staged)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    const t = await fileTotals(db, w.file.dataset === 'allocated' ? 'allocated' : 'none', staged);
    out.push({
      abs: staged,
      staged: true,
      file: {
        ...w.file,
        path: w.file.path.replace(/[^/]+\.parquet$/, `${name}.parquet`),
        rows: t.rows,
        totals: t.totals,
      },
    });
  }
  const runs = new Set(out.filter((w) => w.file.dataset === 'allocated').map((w) => w.file.inputSha256));
  tx.next.allocations = tx.next.allocations.filter((r) => runs.has(r.runId));
  return out;
}

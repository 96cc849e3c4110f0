// Any ingest or forget that removes origin rows drops their allocated rows and factors in the same manifest swap
// (docs/allocation.md#runs), so the `attributed` view never double counts and never keeps allocations of vanished charges.
import { type Db, litList } from '../store/duckdb.js';
import { type WorkingFile, withoutRows } from '../store/rewrite.js';
import type { Transaction } from '../store/transaction.js';

/**
 * Drops allocated rows and factors whose origin row is gone, or is listed in the TEMP table `stale` (an origin row
 * whose billed cost changed in place, e.g. by a bundle's burn-down: its split no longer adds up to it).
 */
export async function pruneAllocations(
  db: Db,
  tx: Transaction,
  working: WorkingFile[],
  stale?: string,
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
    const gone = `${col} NOT IN (SELECT rid FROM live_rows)`;
    const drop = stale ? `(${gone} OR ${col} IN (SELECT rid FROM ${stale}))` : gone;
    const r = await withoutRows(db, tx, w, drop, 'pruned');
    if (r.file) out.push(r.file);
  }
  const runs = new Set(out.filter((w) => w.file.dataset === 'allocated').map((w) => w.file.inputSha256));
  tx.next.allocations = tx.next.allocations.filter((r) => runs.has(r.runId));
  return out;
}

// Replacement keys (docs/data-model.md#replacement-keys): what an input replaces among stored rows. API pages and request logs replace
// rows with the same key; generic FOCUS input is additive and drops rows identical to stored ones.
import { focusColumns } from '../focus/schema.js';
import type { SourceDefinition } from '../normalize/contract.js';
import { type Db, ident, lit, litList } from '../store/duckdb.js';
import { type WorkingFile, withoutRows } from '../store/rewrite.js';
import type { Transaction } from '../store/transaction.js';

const keyExpr = (cols: string[]) =>
  `md5(concat_ws('|', ${cols.map((c) => `COALESCE(CAST(${ident(c)} AS VARCHAR), '')`).join(', ')}))`;
const ROW_HASH = keyExpr(focusColumns('1.3').map((c) => c.id));

/**
 * Applies `source.replace` for newly staged files against the working set (stored + earlier staged files).
 * Returns the new working set and the number of rows replaced or dropped.
 */
export async function applyReplacement(
  db: Db,
  tx: Transaction,
  source: SourceDefinition,
  incoming: WorkingFile[],
  working: WorkingFile[],
  opts: { replacePeriod?: boolean },
): Promise<{
  working: WorkingFile[];
  incoming: WorkingFile[];
  replaced: number;
  duplicates: number;
  duplicateCost: string;
}> {
  const dataset = source.dataset;
  let replaced = 0;
  let duplicates = 0;
  let duplicateCost = '0';
  const next: WorkingFile[] = [];
  const incomingAbs = litList(incoming.map((f) => f.abs));
  if (incoming.length === 0) return { working, incoming, replaced, duplicates, duplicateCost };
  // joined exports (Azure actual + amortized): the join pass (azure-join.ts) applies their key after staging
  if (source.replace.kind === 'joined')
    return { working: [...working, ...incoming], incoming, replaced, duplicates, duplicateCost };

  if (source.replace.kind === 'rows') {
    const key = keyExpr(source.replace.key);
    const partitions = new Set(incoming.map((f) => f.file.partition));
    const anyPartition = source.replace.anyPartition ?? false;
    for (const w of working) {
      const candidate =
        w.file.dataset === dataset &&
        w.file.sourceId === source.id &&
        (anyPartition || partitions.has(w.file.partition));
      if (!candidate) {
        next.push(w);
        continue;
      }
      const drop = `${key} IN (SELECT ${key} FROM read_parquet(${incomingAbs}, hive_partitioning = false))`;
      const r = await withoutRows(db, tx, w, drop, incoming[0]!.file.inputSha256);
      replaced += r.dropped;
      if (r.file) next.push(r.file);
    }
    return { working: [...next, ...incoming], incoming, replaced, duplicates, duplicateCost };
  }

  if (source.replace.kind === 'dedup-identical') {
    const others = working.filter((w) => w.file.dataset === 'focus');
    let kept = working;
    if (opts.replacePeriod) {
      const periods = new Set(incoming.map((f) => f.file.partition));
      kept = working.filter((w) => {
        const drop =
          w.file.dataset === 'focus' && w.file.sourceId === source.id && periods.has(w.file.partition);
        if (drop) replaced += w.file.rows;
        return !drop;
      });
    } else if (others.length > 0) {
      const storedHashes = `SELECT ${ROW_HASH} FROM read_parquet(${litList(others.map((w) => w.abs))}, hive_partitioning = false)`;
      const newIncoming: WorkingFile[] = [];
      for (const f of incoming) {
        const d = await db.one<{ n: string; cost: string }>(
          `SELECT count(*)::VARCHAR AS n, COALESCE(SUM("BilledCost"), 0)::VARCHAR AS cost FROM read_parquet(${lit(f.abs)}, hive_partitioning = false) WHERE ${ROW_HASH} IN (${storedHashes})`,
        );
        const n = Number(d?.n ?? 0);
        if (n === 0) {
          newIncoming.push(f);
          continue;
        }
        duplicates += n;
        duplicateCost = (await db.one<{ s: string }>(
          `SELECT (${duplicateCost}::DECIMAL(38,18) + ${d?.cost ?? 0}::DECIMAL(38,18))::VARCHAR AS s`,
        ))!.s;
        const r = await withoutRows(db, tx, f, `${ROW_HASH} IN (${storedHashes})`, 'dedup');
        if (r.file) newIncoming.push(r.file);
      }
      return {
        working: [...kept, ...newIncoming],
        incoming: newIncoming,
        replaced,
        duplicates,
        duplicateCost,
      };
    }
    return { working: [...kept, ...incoming], incoming, replaced, duplicates, duplicateCost };
  }

  // period: a later file of the same (source, billing account, billing period) replaces the earlier one
  const accounts = await db.all<{ a: string | null; p: string }>(
    `SELECT DISTINCT "BillingAccountId" AS a, strftime("BillingPeriodStart", '%Y-%m') AS p FROM read_parquet(${incomingAbs}, hive_partitioning = false)`,
  );
  for (const w of working) {
    if (
      w.file.dataset !== dataset ||
      w.file.sourceId !== source.id ||
      !accounts.some((a) => a.p === w.file.partition)
    ) {
      next.push(w);
      continue;
    }
    const accs = accounts.filter((a) => a.p === w.file.partition).map((a) => a.a ?? '');
    const drop = `COALESCE("BillingAccountId", '') IN (${accs.map(lit).join(', ')})`;
    const r = await withoutRows(db, tx, w, drop, incoming[0]!.file.inputSha256);
    replaced += r.dropped;
    if (r.file) next.push(r.file);
  }
  return { working: [...next, ...incoming], incoming, replaced, duplicates, duplicateCost };
}

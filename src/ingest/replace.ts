// Replacement keys (docs/data-model.md#replacement-keys): what an input replaces among stored rows. API pages and request logs replace
// rows with the same key; generic FOCUS input is additive and drops rows identical to stored ones.
import { focusColumns } from '../focus/schema.js';
import type { SourceDefinition } from '../normalize/contract.js';
import { rowTimeColumn } from '../normalize/repeated-keys.js';
import { type Db, ident, lit, litList } from '../store/duckdb.js';
import { type WorkingFile, withoutRows } from '../store/rewrite.js';
import type { Transaction } from '../store/transaction.js';

const keyExpr = (cols: string[]) =>
  `md5(concat_ws('|', ${cols.map((c) => `COALESCE(CAST(${ident(c)} AS VARCHAR), '')`).join(', ')}))`;
const ROW_HASH = keyExpr(focusColumns('1.3').map((c) => c.id));

/** How fresh an input's rows are (docs/data-model.md#replacement-keys): recorded per input in the manifest. */
export interface Freshness {
  sha256: string;
  /** The file's modification time (ISO), null when unknown (inputs recorded before it was kept). */
  exportedAt: string | null;
  /** The start of the input's latest bucket or record, as DuckDB prints a timestamp; null when unknown. */
  latestStart: string | null;
}

/**
 * True when the incoming input `a` counts as exported after the stored `b`: by modification time, an unknown time
 * being the oldest. Equal times (file systems stamp files with a coarse clock; copies made together) carry no signal
 * either way, and then the input ingested later wins, as it always did.
 */
export function exportedLater(a: Freshness, b: Freshness): boolean {
  const ta = a.exportedAt ? Date.parse(a.exportedAt) : Number.NEGATIVE_INFINITY;
  const tb = b.exportedAt ? Date.parse(b.exportedAt) : Number.NEGATIVE_INFINITY;
  return ta >= tb;
}

/**
 * A row is complete by the data itself when its input holds a later bucket (or record): the bucket had ended when the
 * page was fetched. The last bucket of a page may still have been filling up.
 */
const completeSql = (time: string, f: Freshness) =>
  f.latestStart === null ? 'false' : `(${ident(time)} < CAST(${lit(f.latestStart)} AS TIMESTAMPTZ))`;

/**
 * Rows with the same key (API pages, request logs, bundles): of two rows the fresher one stays, whichever input was
 * ingested first. Fresher: complete by the data (completeSql) before partial, then the later export (exportedLater);
 * only when neither tells them apart does the later ingest win.
 * Stored rows lose to fresher incoming ones (replaced); incoming rows lose to fresher stored ones (superseded).
 */
async function replaceRows(
  db: Db,
  tx: Transaction,
  source: SourceDefinition,
  incoming: WorkingFile[],
  working: WorkingFile[],
  fresh: Freshness,
): Promise<{ working: WorkingFile[]; incoming: WorkingFile[]; replaced: number; superseded: number }> {
  if (source.replace.kind !== 'rows') throw new Error('replaceRows: not a rows replacement');
  const key = keyExpr(source.replace.key);
  const time = rowTimeColumn(source.dataset);
  const partitions = new Set(incoming.map((f) => f.file.partition));
  const anyPartition = source.replace.anyPartition ?? false;
  const inc = `read_parquet(${litList(incoming.map((f) => f.abs))}, hive_partitioning = false)`;
  const incComplete = completeSql(time, fresh);
  const stored = (sha: string): Freshness => {
    const i = tx.next.inputs.find((x) => x.sha256 === sha && x.sourceId === source.id);
    return { sha256: sha, exportedAt: i?.exportedAt ?? null, latestStart: i?.latestStart ?? null };
  };
  let replaced = 0;
  const next: WorkingFile[] = [];
  /** Per stored file: which incoming rows it keeps out (a predicate over incoming rows). */
  const keptOut: string[] = [];
  for (const w of working) {
    const candidate =
      w.file.dataset === source.dataset &&
      w.file.sourceId === source.id &&
      (anyPartition || partitions.has(w.file.partition));
    if (!candidate) {
      next.push(w);
      continue;
    }
    const theirs = stored(w.file.inputSha256);
    const later = exportedLater(fresh, theirs);
    const wComplete = completeSql(time, theirs);
    const src = `read_parquet(${lit(w.abs)}, hive_partitioning = false)`;
    // incoming wins over a complete stored row only when complete and later; over a partial one when either
    const incKeys = (cond: string) => `(SELECT ${key} FROM ${inc} WHERE ${cond})`;
    const drop = `(CASE WHEN ${wComplete}
        THEN ${key} IN ${incKeys(later ? incComplete : 'false')}
        ELSE ${key} IN ${incKeys(later ? 'true' : incComplete)} END)`;
    const storedKeys = (cond: string) => `(SELECT ${key} FROM ${src} WHERE ${cond})`;
    keptOut.push(`(CASE WHEN ${incComplete}
        THEN ${key} IN ${storedKeys(later ? 'false' : wComplete)}
        ELSE ${key} IN ${storedKeys(later ? wComplete : 'true')} END)`);
    const r = await withoutRows(db, tx, w, drop, fresh.sha256);
    replaced += r.dropped;
    if (r.file) next.push(r.file);
  }
  let superseded = 0;
  const kept: WorkingFile[] = [];
  for (const f of incoming) {
    if (keptOut.length === 0) {
      kept.push(f);
      continue;
    }
    const r = await withoutRows(db, tx, f, keptOut.join(' OR '), `superseded-${fresh.sha256}`);
    superseded += r.dropped;
    if (r.file) kept.push(r.file);
  }
  return { working: [...next, ...kept], incoming: kept, replaced, superseded };
}

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
  opts: { replacePeriod?: boolean; freshness: Freshness },
): Promise<{
  working: WorkingFile[];
  incoming: WorkingFile[];
  replaced: number;
  /** Incoming rows left out because a fresher stored row has their key (replace kind `rows`). */
  superseded?: number;
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
    const r = await replaceRows(db, tx, source, incoming, working, opts.freshness);
    return { ...r, duplicates, duplicateCost };
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

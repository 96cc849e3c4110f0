// Records of one input that repeat a replacement key (docs/data-model.md#replacement-keys): a request id logged twice,
// an API page concatenated with itself. Across inputs a later row replaces a stored one with the same key; inside one
// input the rows are de-duplicated the same way, so the stored data never counts a request twice, whichever file
// held both copies. Checked on the written file (a columnar scan of the key columns); rewritten only when needed.
import { type Db, ident, lit } from '../store/duckdb.js';
import { PARQUET } from '../store/files.js';
import type { SourceDefinition } from './contract.js';

export interface RepeatedKeys {
  /** The file to keep: the written one, or its de-duplicated copy. */
  file: string;
  /** Rows dropped because an earlier-kept row had the same key. */
  dropped: number;
  /** What the dropped rows held, per total column (exact decimals as text). */
  totals: Record<string, string>;
}

/** The time a stored row is about: request or bucket start, sample time, or the charge period start. */
export const rowTimeColumn = (dataset: string) => (dataset === 'focus' ? 'ChargePeriodStart' : 'timestamp');

/**
 * Keeps one row per replacement key of `out`: the latest by the row's time, then, for copies that differ only
 * otherwise, the one whose whole row sorts last as text (deterministic, whatever the order DuckDB read them in).
 */
export async function dropRepeatedKeys(
  db: Db,
  source: SourceDefinition,
  out: string,
  deduped: string,
  totalColumns: readonly string[],
): Promise<RepeatedKeys> {
  if (source.replace.kind !== 'rows') return { file: out, dropped: 0, totals: {} };
  const file = `read_parquet(${lit(out)}, hive_partitioning = false)`;
  // a cheap test first (a 64-bit hash per key: integers to count, not strings), exact counting only when it fires
  const cols = source.replace.key.map(ident).join(', ');
  const quick = await db.one<{ n: string }>(
    `SELECT (count(*) - count(DISTINCT hash(${cols})))::VARCHAR AS n FROM ${file}`,
  );
  if (Number(quick?.n ?? 0) === 0) return { file: out, dropped: 0, totals: {} };
  const d = await db.one<{ n: string }>(
    `SELECT (count(*) - count(DISTINCT struct_pack(${source.replace.key.map((k) => `${ident(k)} := ${ident(k)}`).join(', ')})))::VARCHAR AS n FROM ${file}`,
  );
  const dropped = Number(d?.n ?? 0);
  if (dropped === 0) return { file: out, dropped: 0, totals: {} };
  const rank = `row_number() OVER (PARTITION BY ${cols} ORDER BY ${ident(rowTimeColumn(source.dataset))} DESC NULLS LAST, CAST(r AS VARCHAR) DESC)`;
  const ranked = `SELECT r.*, ${rank} AS __rank FROM ${file} r`;
  const sums = totalColumns.map((c) => `COALESCE(SUM(${ident(c)}), 0)::VARCHAR AS ${ident(c)}`).join(', ');
  const totals = sums
    ? ((await db.one<Record<string, string>>(`SELECT ${sums} FROM (${ranked}) WHERE __rank > 1`)) ?? {})
    : {};
  await db.run(
    `COPY (SELECT * EXCLUDE (__rank) FROM (${ranked}) WHERE __rank = 1) TO ${lit(deduped)} (FORMAT parquet, ${PARQUET})`,
  );
  return { file: deduped, dropped, totals };
}

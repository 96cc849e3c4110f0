// Money in equals money out (docs/data-model.md#reconciliation). Each reconciliation measure is a pair: the source's
// own figure, parsed from the input's text, and the same figure over the stored columns. The pair is checked on
// every record inside the one COPY (a guard: a record whose stored figure differs from its source figure raises),
// and the totals are then summed once over the written Parquet, a cheap columnar scan. Per-record equality is
// stronger than equal sums, and it needs no second pass over the input. What it relies on, one stored row per kept
// record, holds by construction (the mapping is a projection with LEFT JOINs on unique lookup keys; a record the
// reader cannot parse aborts the ingest) and is counted where a count is cheap (see countInput).
import { type Db, ident, lit } from '../store/duckdb.js';
import type { Reconcile, SourceDefinition } from './contract.js';
import type { SourceRelation } from './read-input.js';

export interface ReconcileRow {
  measure: string;
  source: string;
  stored: string;
}

interface Measure {
  measure: string;
  source: string;
  stored: string;
  /** Stored figures are multiplied by this before comparing (a source reporting cents: 100). */
  per: number;
  /** Compared at the stored money scale. */
  money: boolean;
}

function measures(source: SourceDefinition, absent: Set<string>): Measure[] {
  const out: Measure[] = [];
  if (source.dataset === 'focus' && source.sourceCost) {
    const target = source.reconcileTo ?? 'BilledCost';
    const per = source.sourceCostPerUnit ?? 1;
    out.push({
      measure: `${target}${per === 100 ? ' (in cents)' : ''} = source cost field`,
      source: source.sourceCost,
      stored: ident(target),
      per,
      money: true,
    });
  }
  for (const m of (source.reconcile ?? []) as Reconcile[])
    if (!m.column || !absent.has(m.column))
      out.push({ measure: m.measure, source: m.source, stored: m.stored, per: 1, money: false });
  return out;
}

const carryName = (i: number) => `__reconcile_${i}`;
const GUARD = 'aicost-reconcile';

/** The per-record half: source figures carried beside the mapping, and the guard comparing them to stored ones. */
export function reconcileGuard(
  source: SourceDefinition,
  absent: Set<string>,
): { carry: Record<string, string>; guard: string | undefined } {
  const list = measures(source, absent);
  const scale = (m: Measure, e: string) => (m.money ? `CAST(${e} AS DECIMAL(38,18))` : e);
  const carry = Object.fromEntries(list.map((m, i) => [carryName(i), scale(m, `COALESCE(${m.source}, 0)`)]));
  const whens = list.map(
    (m, i) =>
      `WHEN ${ident(carryName(i))} <> ${scale(m, `COALESCE(${m.stored}, 0) * ${m.per}`)} THEN error(${lit(`${GUARD}:${i}:${m.measure}`)})`,
  );
  return { carry, guard: whens.length > 0 ? `(CASE ${whens.join(' ')} ELSE true END)` : undefined };
}

/** The carried columns, to exclude from what is written. */
export function carriedColumns(source: SourceDefinition, absent: Set<string>): string[] {
  return measures(source, absent).map((_, i) => carryName(i));
}

/** The measure a reconciliation guard names, when a DuckDB error came from one. */
export function reconcileFailure(e: unknown): string | null {
  if (!(e instanceof Error)) return null;
  const m = new RegExp(`${GUARD}:\\d+:([^'"\\n]*)`).exec(e.message);
  return m ? (m[1] ?? '') : null;
}

/** The totals half: each measure summed over the written rows (its source total is equal record by record). */
export async function reconciledTotals(
  db: Db,
  source: SourceDefinition,
  out: string,
  absent: Set<string>,
): Promise<ReconcileRow[]> {
  const list = measures(source, absent);
  if (list.length === 0) return [];
  const cols = list.map(
    (m, i) =>
      `(COALESCE(SUM(${m.stored}), 0) * ${m.per})${m.money ? '::DECIMAL(38,18)' : ''}::VARCHAR AS t${i}`,
  );
  const t = await db.one<Record<string, string>>(`SELECT ${cols.join(', ')} FROM ${out}`);
  return list.map((m, i) => ({ measure: m.measure, source: t?.[`t${i}`] ?? '', stored: t?.[`t${i}`] ?? '' }));
}

/**
 * Records read and records the source's filter skipped. JSON inputs are small tables already flattened and Parquet
 * is columnar, so both are counted; a CSV without a filter is not read a second time: every record became a row
 * (by construction, see the header), so the count is the rows written.
 */
export async function countInput(
  db: Db,
  source: SourceDefinition,
  rel: SourceRelation,
  kind: 'csv' | 'json' | 'parquet' | 'lines',
  rowsOut: number,
): Promise<{ rowsIn: number; skipped: number }> {
  if (kind === 'csv' && !source.where) return { rowsIn: rowsOut, skipped: 0 };
  const kept = source.where ? `count(*) FILTER (WHERE COALESCE(${source.where}, false))` : 'count(*)';
  const r = await db.one<{ n: string; kept: string }>(
    `SELECT count(*)::VARCHAR AS n, (${kept})::VARCHAR AS kept FROM ${rel.name}`,
  );
  const rowsIn = Number(r?.n ?? 0);
  return { rowsIn, skipped: rowsIn - Number(r?.kept ?? 0) };
}

// The billing currencies of a data home's cost rows after an ingest (docs/data-model.md#currencies). Amounts in
// different currencies are never added or converted: when the focus rows hold more than one BillingCurrency, the
// ingest says so, with each currency's own totals, so nobody reads a sum across them anywhere.
import { type Db, litList } from '../store/duckdb.js';

export interface CurrencyTotals {
  /** ISO 4217 code as stored (NULL BillingCurrency is reported as null). */
  currency: string | null;
  rows: number;
  billedCost: string;
  effectiveCost: string;
}

/**
 * Per BillingCurrency: rows and exact BilledCost / EffectiveCost of the given focus Parquet files. Reads three
 * columns only (Parquet projection), so it stays cheap however wide the rows are.
 */
export async function currencyTotals(db: Db, files: string[]): Promise<CurrencyTotals[]> {
  if (files.length === 0) return [];
  const rows = await db.all<{ c: string | null; n: string; billed: string; eff: string }>(
    `SELECT "BillingCurrency" AS c, count(*)::VARCHAR AS n, COALESCE(SUM("BilledCost"), 0)::VARCHAR AS billed,
       COALESCE(SUM("EffectiveCost"), 0)::VARCHAR AS eff
     FROM read_parquet(${litList(files)}, hive_partitioning = false) GROUP BY 1 ORDER BY 1 NULLS LAST`,
  );
  return rows.map((r) => ({
    currency: r.c,
    rows: Number(r.n),
    billedCost: r.billed,
    effectiveCost: r.eff,
  }));
}

/** Exact decimal text without trailing zeros (`15.000000` -> `15`, `2.50` -> `2.5`). */
const trim = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);

/** The warning for a data home billed in several currencies, or null when there is at most one. */
export function mixedCurrencyWarning(totals: CurrencyTotals[]): string | null {
  if (totals.length < 2) return null;
  const parts = totals.map(
    (t) => `${t.currency ?? '(no currency)'} ${trim(t.billedCost)} BilledCost in ${t.rows} rows`,
  );
  return `the data home's cost rows are billed in ${totals.length} currencies (${parts.join('; ')}): totals, reports, allocation and anomalies are kept per currency, never added or converted`;
}

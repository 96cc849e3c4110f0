// Enrichment the pipeline applies to every source: canonical model ids through the price book's aliases, and
// the usage cost estimate (price book at request time). The price tables are installed per connection.
import { priceUsageSql } from '../prices/sql.js';

/** Adds `model`, `cost_estimate` and `unpriced` to a usage relation (price book at request time). */
export function usagePricedSql(typed: string): string {
  return priceUsageSql(`(${typed})`);
}

/** The canonical model id for a focus row's raw model, via the alias table; the cleaned raw id when unknown. */
export function focusModelSql(rawExpr: string, providerExpr: string): string {
  void providerExpr;
  const cleaned = `lower(regexp_replace(${rawExpr}, '^[a-z_]+/', ''))`;
  return `CASE WHEN ${rawExpr} IS NULL THEN NULL ELSE COALESCE((SELECT a.model FROM model_alias a WHERE a.alias = ${cleaned} LIMIT 1), ${cleaned}) END`;
}

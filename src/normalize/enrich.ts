// Enrichment the pipeline applies to every source: canonical model ids through the price book's aliases, and
// the usage cost estimate (price book at request time). The price tables are installed per connection.
import { cleanModelIdSql, normalizeProviderSql } from '../prices/names.js';
import { priceUsageSql } from '../prices/sql.js';

/** Adds `model`, `cost_estimate` and `unpriced` to a usage relation (price book at request time). */
export function usagePricedSql(typed: string): string {
  // the book has no prices for `other_quantity` units (e.g. vector-store bytes): such rows are unpriced, never free
  return `SELECT * REPLACE (
      CASE WHEN COALESCE(other_quantity, 0) > 0 THEN NULL ELSE cost_estimate END AS cost_estimate,
      CASE WHEN COALESCE(other_quantity, 0) > 0 THEN concat_ws(',', unpriced, 'other_quantity') ELSE unpriced END AS unpriced)
    FROM (${priceUsageSql(`(${typed})`)})`;
}

/** The canonical model id for a focus row's raw model, via the alias table; the cleaned raw id when unknown. */
export function focusModelSql(rawExpr: string, providerExpr: string): string {
  const cleaned = cleanModelIdSql(rawExpr);
  const provider = normalizeProviderSql(providerExpr);
  // the provider's own alias first, then the provider-less one (one row per alias)
  return `CASE WHEN ${rawExpr} IS NULL THEN NULL ELSE COALESCE(
    (SELECT min(a.model) FROM model_alias a WHERE a.provider = ${provider} AND a.alias = ${cleaned}),
    (SELECT min(a.model) FROM model_alias a WHERE a.provider IS NULL AND a.alias = ${cleaned}), ${cleaned}) END`;
}

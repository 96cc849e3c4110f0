// The costliest requests or agent traces (docs/allocation.md#per-request-cost), from usage_attributed:
// invoiced (attributed) cost where an allocation covers the row, else the price-book estimate, labelled as such.
// Ranked per currency (the invoices' billing currency, USD for estimates): amounts in different currencies are
// neither added nor compared, so each currency has its own top `limit`.
import { withDb } from '../store/duckdb.js';
import { rowCostSql, rowCurrencySql } from './allocate/attributed.js';
import { attachViews } from './views.js';

export interface TopRow {
  id: string;
  requests: string;
  models: string;
  tokens: string;
  cost: string | null;
  /** The currency of `cost`: the invoices' billing currency, or USD (the price book) for estimates. */
  currency: string;
  basis: 'invoiced' | 'estimated' | 'mixed';
  tags: string | null;
  first: string;
}

/**
 * Per currency, the `limit` costliest requests or traces (all requests sharing a trace id), costliest first;
 * currencies in alphabetical order. A trace whose requests are costed in two currencies is listed in each.
 */
export async function topSpenders(home: string, by: 'request' | 'trace', limit: number): Promise<TopRow[]> {
  const id = by === 'trace' ? 'trace_id' : 'request_id';
  return withDb({}, async (db) => {
    await attachViews(db, home);
    return db.all<TopRow>(
      `SELECT ${id} AS id, count(*)::VARCHAR AS requests, string_agg(DISTINCT model, ', ' ORDER BY model) AS models,
         SUM(input + cache_read + cache_write + cache_write_5m + cache_write_1h + output)::VARCHAR AS tokens,
         SUM(${rowCostSql()})::VARCHAR AS cost, ${rowCurrencySql()} AS currency,
         CASE WHEN bool_and(attribution = 'invoiced') THEN 'invoiced' WHEN bool_and(attribution = 'estimated') THEN 'estimated' ELSE 'mixed' END AS basis,
         CAST(arg_min(tags, "timestamp") AS VARCHAR) AS tags, strftime(min("timestamp"), '%Y-%m-%dT%H:%M:%SZ') AS first
       FROM usage_attributed u WHERE grain = 'request' AND ${id} IS NOT NULL
       GROUP BY ${id}, ${rowCurrencySql()}
       QUALIFY row_number() OVER (PARTITION BY currency ORDER BY SUM(${rowCostSql()}) DESC NULLS LAST, ${id}) <= $1
       ORDER BY currency, SUM(${rowCostSql()}) DESC NULLS LAST, ${id}`,
      [limit],
    );
  });
}

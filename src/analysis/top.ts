// The costliest requests or agent traces (docs/allocation.md#per-request-cost), from usage_attributed:
// invoiced (attributed) cost where an allocation covers the row, else the price-book estimate, labelled as such.
import { withDb } from '../store/duckdb.js';
import { attachViews } from './views.js';

export interface TopRow {
  id: string;
  requests: string;
  models: string;
  tokens: string;
  cost: string | null;
  basis: 'invoiced' | 'estimated' | 'mixed';
  tags: string | null;
  first: string;
}

/** The `limit` costliest requests or traces (all requests sharing a trace id), costliest first. */
export async function topSpenders(home: string, by: 'request' | 'trace', limit: number): Promise<TopRow[]> {
  const id = by === 'trace' ? 'trace_id' : 'request_id';
  return withDb({}, async (db) => {
    await attachViews(db, home);
    return db.all<TopRow>(
      `SELECT ${id} AS id, count(*)::VARCHAR AS requests, string_agg(DISTINCT model, ', ' ORDER BY model) AS models,
         SUM(input + cache_read + cache_write + cache_write_5m + cache_write_1h + output)::VARCHAR AS tokens,
         SUM(COALESCE(attributed_effective_cost, cost_estimate))::VARCHAR AS cost,
         CASE WHEN bool_and(attribution = 'invoiced') THEN 'invoiced' WHEN bool_and(attribution = 'estimated') THEN 'estimated' ELSE 'mixed' END AS basis,
         CAST(arg_min(tags, "timestamp") AS VARCHAR) AS tags, strftime(min("timestamp"), '%Y-%m-%dT%H:%M:%SZ') AS first
       FROM usage_attributed WHERE grain = 'request' AND ${id} IS NOT NULL
       GROUP BY ${id} ORDER BY SUM(COALESCE(attributed_effective_cost, cost_estimate)) DESC NULLS LAST, ${id} LIMIT $1`,
      [limit],
    );
  });
}

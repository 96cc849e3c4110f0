// Detector 3: cost per request up week over week (docs/anomalies.md#cost-per-request). The last 7 days up to
// `until` against the 7 before. Both weeks need a minimum number of requests: with a handful of requests one long
// prompt moves the average by more than any threshold, and that is noise, not a trend.
import { type Db, lit } from '../../store/duckdb.js';
import type { Settings, Window } from './options.js';
import { basisSql } from './scope.js';
import type { CostBasis } from './types.js';

export interface WowCandidate {
  kv: string;
  /** Cost per request of the recent week and of the week before (decimal strings, rounded to 12 decimals). */
  actual: string;
  baseline: string;
  /** The recent week's requests × the rise in cost per request: what the rise cost. */
  impact: string;
  cost: string;
  previousCost: string;
  requests: number;
  previousRequests: number;
  change: number;
  basis: CostBasis;
}

/**
 * Key values whose cost per request rose by more than `wowIncrease`. Cost per request is a quotient, which DuckDB
 * computes in DOUBLE; it is rounded to 12 decimals, far below a cent per million requests.
 */
export async function wowCandidates(db: Db, s: Settings, w: Window): Promise<WowCandidate[]> {
  const recent = `day BETWEEN ${lit(w.weekFrom)}::DATE AND ${lit(w.until)}::DATE`;
  const previous = `day BETWEEN ${lit(w.previousFrom)}::DATE AND ${lit(w.previousTo)}::DATE`;
  const rows = await db.all<
    Omit<WowCandidate, 'requests' | 'previousRequests' | 'change'> & {
      n1: string;
      n0: string;
      change: string;
    }
  >(
    `WITH a AS (
       SELECT kv, SUM(cost) FILTER (WHERE ${recent}) AS c1, SUM(cost) FILTER (WHERE ${previous}) AS c0,
         SUM(requests) FILTER (WHERE ${recent}) AS n1, SUM(requests) FILTER (WHERE ${previous}) AS n0,
         SUM(invoiced) AS inv, SUM(rows) AS nrows
       FROM anomaly_daily WHERE day BETWEEN ${lit(w.previousFrom)}::DATE AND ${lit(w.until)}::DATE GROUP BY kv),
     r AS (SELECT *, c1 / n1 AS cpr1, c0 / n0 AS cpr0 FROM a
       WHERE n1 >= $min AND n0 >= $min AND c0 > 0)
     SELECT kv, round(cpr1, 12)::DECIMAL(38,12)::DECIMAL(38,18)::VARCHAR AS actual, round(cpr0, 12)::DECIMAL(38,12)::DECIMAL(38,18)::VARCHAR AS baseline,
       round(c1 - cpr0 * n1, 12)::DECIMAL(38,12)::DECIMAL(38,18)::VARCHAR AS impact, c1::VARCHAR AS cost, c0::VARCHAR AS "previousCost",
       n1, n0, cpr1 / cpr0 - 1 AS change, ${basisSql('inv', 'nrows')} AS basis
     FROM r WHERE cpr1 > cpr0 * (1 + $inc) ORDER BY kv`,
    { min: s.wowMinRequests, inc: s.wowIncrease },
  );
  return rows.map(({ n1, n0, change, ...r }) => ({
    ...r,
    requests: Number(n1),
    previousRequests: Number(n0),
    change: Math.round(Number(change) * 10_000) / 10_000,
  }));
}

// Detector 2: runaway requests (docs/anomalies.md#runaway-requests). A request over the token limit is an agent
// loop or a prompt that grew without bound; one of them rarely moves a daily total, so they are looked for one by
// one. Only request-grain rows count: a usage-API bucket is many requests and says nothing about any one of them.
import { type Db, lit } from '../../store/duckdb.js';
import type { Settings, Window } from './options.js';
import { basisSql } from './scope.js';
import type { CostBasis, RunawayRequest } from './types.js';

export interface RunawayGroup {
  kv: string;
  day: string;
  count: number;
  /** Σ cost of the runaway requests. */
  actual: string;
  /**
   * count × the key value's median cost of a request within the limit over the history (over every key value when
   * this one has none): what as many ordinary requests would have cost.
   */
  baseline: string;
  impact: string;
  basis: CostBasis;
  requests: RunawayRequest[];
}

/** What as many ordinary requests would have cost: the typical cost × the count. */
const BASE = '(COALESCE(t.med, a.med, 0) * g.n)::DECIMAL(38,18)';

/** Runaway requests grouped per key value and day, with the worst `runawayTop` of each group, largest first. */
export async function runawayGroups(db: Db, s: Settings, w: Window): Promise<RunawayGroup[]> {
  const inWindow = `day BETWEEN ${lit(w.since)}::DATE AND ${lit(w.until)}::DATE`;
  const rows = await db.all<Omit<RunawayGroup, 'count' | 'requests'> & { count: string; requests: Raw[] }>(
    `WITH big AS (
       SELECT *, row_number() OVER (PARTITION BY kv, day ORDER BY tokens DESC, request_id) AS rn
       FROM anomaly_rows WHERE grain = 'request' AND tokens > $limit AND ${inWindow}),
     -- per key value, and over all of them for a key value whose every request ran away
     typical AS (
       SELECT kv, GROUPING(kv) AS overall, median(cost) AS med FROM anomaly_rows
       WHERE grain = 'request' AND tokens <= $limit AND cost IS NOT NULL
         AND day BETWEEN ${lit(w.historyStart)}::DATE AND ${lit(w.until)}::DATE
       GROUP BY GROUPING SETS ((kv), ())),
     g AS (
       SELECT kv, day, count(*) AS n, SUM(cost) AS c, count(*) FILTER (WHERE attribution = 'invoiced') AS inv,
         list({requestId: request_id, traceId: trace_id, model: model, tokens: tokens, cost: cost::VARCHAR,
               timestamp: strftime("timestamp", '%Y-%m-%dT%H:%M:%SZ')} ORDER BY rn) FILTER (WHERE rn <= $top) AS reqs
       FROM big GROUP BY kv, day)
     SELECT g.kv, g.day::VARCHAR AS day, g.n AS count, COALESCE(g.c, 0)::VARCHAR AS actual,
       ${BASE}::VARCHAR AS baseline, (COALESCE(g.c, 0) - ${BASE})::DECIMAL(38,18)::VARCHAR AS impact,
       ${basisSql('g.inv', 'g.n')} AS basis, g.reqs AS requests
     FROM g LEFT JOIN typical t ON t.kv = g.kv AND t.overall = 0 LEFT JOIN typical a ON a.overall = 1
     ORDER BY g.day, g.kv`,
    { limit: s.runawayTokens, top: s.runawayTop },
  );
  return rows.map((r) => ({
    ...r,
    count: Number(r.count),
    requests: r.requests.map((q) => ({ ...q, tokens: Number(q.tokens) })),
  }));
}

type Raw = Omit<RunawayRequest, 'tokens'> & { tokens: string };

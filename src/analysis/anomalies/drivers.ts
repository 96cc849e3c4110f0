// Feeds the decomposition (shapley.ts): per finding, period and model, the requests, tokens, cache reads, cost and
// the price-book value of the rows, in one query for all findings. The book value is computed twice by the same
// pricing SQL ingest uses (prices/sql.ts), once as the rows are and once with cache reads moved to uncached input,
// both at the finding's reference day, so the two periods are valued at one set of prices.
import { installPrices } from '../../prices/install.js';
import { priceUsageSql } from '../../prices/sql.js';
import type { Db } from '../../store/duckdb.js';
import { decompose, type ModelAgg } from './shapley.js';
import type { DriverFactor, DriverShare } from './types.js';

/** A finding to explain: the baseline days and the anomalous days of one key value, valued at `ref`. */
export interface Finding {
  kv: string;
  before: string[];
  after: string[];
  ref: string;
  /** Explain cost per request (week over week) rather than cost per day. */
  perRequest: boolean;
}

export interface Explanation {
  driver: DriverFactor | null;
  drivers: DriverShare[];
}

async function createPeriods(db: Db, findings: Finding[]): Promise<void> {
  const rows = findings.flatMap((f, id) => [
    ...f.before.map((d) => [String(id), f.kv, d, '0', f.ref]),
    ...f.after.map((d) => [String(id), f.kv, d, '1', f.ref]),
  ]);
  await db.run(
    `CREATE OR REPLACE TEMP TABLE anomaly_periods AS
     SELECT r[1]::INTEGER AS id, r[2] AS kv, r[3]::DATE AS day, r[4]::INTEGER AS period, r[5]::DATE AS ref
     FROM (SELECT unnest(from_json(?::JSON, '[["VARCHAR"]]')) AS r)`,
    [JSON.stringify(rows)],
  );
}

/** The rows of every period, shaped as priceUsageSql's input with cache reads counted as uncached input. */
const ROWS_SQL = `SELECT p.id, p.period, COALESCE(a.model, a.model_raw, '(unknown)') AS umodel, a.requests, a.cost,
    a.tokens, a.input + a.cache_read + a.cache_write_5m + a.cache_write_1h + a.cache_write AS input_all,
    a.provider, a.model_raw, a.service_tier, p.ref::TIMESTAMPTZ AS "timestamp",
    a.input + a.cache_read AS input, 0::BIGINT AS cache_read, a.cache_read AS cr,
    a.cache_write_5m, a.cache_write_1h, a.cache_write, a.output, a.images, a.audio_seconds, a.characters, a.tool_calls
  FROM anomaly_rows a JOIN anomaly_periods p ON a.kv = p.kv AND a.day = p.day`;

interface AggRow {
  id: number;
  period: number;
  model: string;
  n: number;
  tokens: number;
  input_all: number;
  cache_read: number;
  cost: number;
  est: number | null;
  est_nc: number | null;
}

async function modelSums(db: Db): Promise<AggRow[]> {
  const restored = `(SELECT * EXCLUDE (model, cost_estimate, unpriced, input, cache_read), cost_estimate AS est_nc,
      input - cr AS input, cr AS cache_read FROM an_nc)`;
  return db.all<AggRow>(
    `WITH an_rows AS (${ROWS_SQL}), an_nc AS (${priceUsageSql('an_rows')}), an_act AS (${priceUsageSql(restored)})
     SELECT id, period, umodel AS model, SUM(requests)::DOUBLE AS n, SUM(tokens)::DOUBLE AS tokens,
       SUM(input_all)::DOUBLE AS input_all, SUM(cache_read)::DOUBLE AS cache_read, COALESCE(SUM(cost), 0)::DOUBLE AS cost,
       CASE WHEN bool_and(cost_estimate IS NOT NULL) THEN SUM(cost_estimate)::DOUBLE END AS est,
       CASE WHEN bool_and(est_nc IS NOT NULL) THEN SUM(est_nc)::DOUBLE END AS est_nc
     FROM an_act GROUP BY ALL`,
  );
}

/** Period sums as per-day means, so a baseline of several days is compared with one day on equal terms. */
function perDay(rows: AggRow[], days: number): ModelAgg[] {
  return rows.map((r) => ({
    model: r.model,
    n: r.n / days,
    tokens: r.tokens / days,
    inputAll: r.input_all / days,
    cacheRead: r.cache_read / days,
    cost: r.cost / days,
    est: r.est === null ? null : r.est / days,
    estNc: r.est_nc === null ? null : r.est_nc / days,
  }));
}

/** The drivers of each finding, in the order given. */
export async function explain(db: Db, findings: Finding[]): Promise<Explanation[]> {
  if (findings.length === 0) return [];
  await installPrices(db);
  await createPeriods(db, findings);
  const rows = await modelSums(db);
  return findings.map((f, id) => {
    const mine = rows.filter((r) => Number(r.id) === id);
    const before = perDay(
      mine.filter((r) => Number(r.period) === 0),
      f.before.length,
    );
    const after = perDay(
      mine.filter((r) => Number(r.period) === 1),
      f.after.length,
    );
    const drivers = decompose(before, after, f.perRequest);
    const top = drivers[0];
    return { driver: top && top.share > 0 ? top.factor : null, drivers };
  });
}

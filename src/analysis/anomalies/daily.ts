// Detector 1: daily cost per key value against a robust same-weekday baseline (docs/anomalies.md#daily-cost).
// Median and MAD, not mean and standard deviation: one earlier spike in the baseline weeks would otherwise inflate
// the threshold and hide the next one. Same weekday, because AI traffic follows the working week.
import { type Db, lit } from '../../store/duckdb.js';
import type { Settings, Window } from './options.js';
import { basisSql } from './scope.js';
import type { CostBasis } from './types.js';

/** A day that passed both the MAD threshold and the minimum-impact gate, before its drivers are known. */
export interface DailyCandidate {
  kv: string;
  day: string;
  actual: string;
  baseline: string;
  impact: string;
  mad: string;
  threshold: string;
  history: number;
  requests: number;
  basis: CostBasis;
  /** The baseline days within k·MAD of the median: the drivers explain the change from their mean. */
  baselineDays: string[];
  decompositionBaseline: string;
}

/** 1.4826 × MAD estimates the standard deviation of normally distributed data. */
const MAD_SCALE = '1.4826';

/**
 * The per-day verdicts as SQL over `anomaly_daily`: `hist` holds the costs of the same weekday in the `weeks`
 * preceding weeks (the calendar is zero-filled, so N rows back on the weekday is N weeks back).
 */
function verdictSql(s: Settings, w: Window): string {
  const frame = `PARTITION BY kv, dayofweek(day) ORDER BY day ROWS BETWEEN ${s.weeks} PRECEDING`;
  return `WITH w AS (
      SELECT kv, day, cost, requests, list(cost) OVER hf AS hist, list(day) OVER hf AS hist_days,
        SUM(invoiced) OVER bf AS inv, SUM(rows) OVER bf AS nrows
      FROM anomaly_daily
      WINDOW hf AS (${frame} AND 1 PRECEDING), bf AS (${frame} AND CURRENT ROW)),
    m AS (SELECT *, COALESCE(len(hist), 0) AS n, list_median(hist) AS med FROM w
      WHERE day BETWEEN ${lit(w.since)}::DATE AND ${lit(w.until)}::DATE),
    s AS (SELECT *, CAST(list_median([abs(x - med) for x in hist]) * ${MAD_SCALE} AS DECIMAL(38,18)) AS mad
      FROM m WHERE n >= ${s.minWeeks}),
    t AS (SELECT *, CAST(med + mad * CAST($k AS DECIMAL(9,4)) AS DECIMAL(38,18)) AS thr FROM s),
    -- inliers: within k·MAD of the median, and never fewer than half the days (the raw MAD) when k is tiny
    u AS (SELECT *, [p FOR p IN list_zip(hist_days, hist) IF abs(p[2] - med) <= GREATEST(thr - med, mad / ${MAD_SCALE})]
      AS inl FROM t)`;
}

/** Days whose cost exceeds median + k·MAD and whose excess passes both impact gates; increases only. */
export async function dailyCandidates(db: Db, s: Settings, w: Window): Promise<DailyCandidate[]> {
  const rows = await db.all<Omit<DailyCandidate, 'requests' | 'history'> & { requests: string; n: string }>(
    `${verdictSql(s, w)}
     SELECT kv, day::VARCHAR AS day, cost::VARCHAR AS actual, med::VARCHAR AS baseline,
       (cost - med)::VARCHAR AS impact, mad::VARCHAR AS mad, thr::VARCHAR AS threshold, n, requests,
       ${basisSql('inv', 'nrows')} AS basis,
       [p[1]::VARCHAR FOR p IN inl] AS "baselineDays",
       round(list_avg([p[2] FOR p IN inl]), 12)::DECIMAL(38,12)::DECIMAL(38,18)::VARCHAR AS "decompositionBaseline"
     FROM u
     WHERE cost > thr AND cost - med >= CAST($abs AS DECIMAL(38,18))
       AND cost - med >= med * CAST($rel AS DECIMAL(18,6))
     ORDER BY day, kv`,
    { k: s.k, abs: s.absolute, rel: s.relative },
  );
  return rows.map((r) => ({ ...r, requests: Number(r.requests), history: Number(r.n) }));
}

/** Key values with a reported day that had fewer than `minWeeks` same-weekdays of history: no verdict there. */
export async function insufficientHistory(db: Db, s: Settings, w: Window): Promise<string[]> {
  const rows = await db.all<{ kv: string }>(
    `${verdictSql(s, w)} SELECT DISTINCT kv FROM m WHERE n < ${s.minWeeks} ORDER BY kv`,
    { k: s.k },
  );
  return rows.map((r) => r.kv);
}

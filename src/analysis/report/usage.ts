// The usage parts of the report: unit economics over the requests of the period (their attributed invoice cost,
// else their estimate), usage no invoice covers yet, the unallocated invoice cost, and the data's coverage.
import { mulDiv, toFixed18 } from '../../prices/decimal.js';
import type { Report } from '../../report/model.js';
import type { Db } from '../../store/duckdb.js';
import { lit } from '../../store/duckdb.js';
import type { Manifest } from '../../store/manifest.js';
import { rowCostSql, rowCurrencySql } from '../allocate/attributed.js';
import { inWindow, type Window } from './breakdowns.js';

const inDays = (w: Window) => `"date" >= ${lit(w.from)}::DATE AND "date" < ${lit(w.to)}::DATE`;
const MICROS_PER_UNIT18 = 10n ** 12n;

/**
 * cost × scale ÷ count to 6 decimals, exactly: the DECIMAL cost as BigInt units (DuckDB divides DECIMALs in DOUBLE,
 * a JS number holds ~16 digits), rounded once, half away from zero. Null when there is nothing to divide by.
 */
export function perUnit(cost: string, count: number, scale = 1): string | null {
  if (count === 0) return null;
  const micros = mulDiv(toFixed18(cost), BigInt(scale), BigInt(count) * MICROS_PER_UNIT18);
  const abs = micros < 0n ? -micros : micros;
  return `${micros < 0n ? '-' : ''}${abs / 1_000_000n}.${(abs % 1_000_000n).toString().padStart(6, '0')}`;
}

/**
 * Unit economics over the requests of the window, in one currency: a request's cost is its invoiced share (in the
 * billing currency) or its price-book estimate (USD), and amounts in different currencies are never added. When the
 * window's requests are costed in several currencies, the figures cover the currency with the most requests, and
 * `notes` says which requests are left out.
 */
export async function unitEconomics(
  db: Db,
  w: Window,
): Promise<{ unit: Report['unit_economics']; notes: string[] }> {
  const cur = `COALESCE(${rowCurrencySql('u')}, '(no currency)')`;
  const split = await db.all<{ c: string; n: string }>(
    `SELECT ${cur} AS c, COALESCE(SUM(request_count), 0)::VARCHAR AS n FROM usage_attributed u WHERE ${inDays(w)}
     GROUP BY 1 ORDER BY SUM(request_count) DESC NULLS LAST, count(*) DESC, 1`,
  );
  const chosen = split[0]?.c ?? null;
  const notes =
    split.length > 1
      ? [
          `unit economics are in ${chosen} (the currency with the most requests); ${split
            .slice(1)
            .map((x) => `${x.n} requests costed in ${x.c}`)
            .join(', ')} are left out: amounts in different currencies are never added`,
        ]
      : [];
  const r = await db.one<Record<string, string | number | null>>(
    `SELECT COALESCE(SUM(request_count), 0)::BIGINT AS requests, count(DISTINCT trace_id)::BIGINT AS traces,
       count(DISTINCT json_extract_string(tags, '$.user'))::BIGINT AS users,
       COALESCE(SUM("input" + cache_read + cache_write + cache_write_5m + cache_write_1h + "output"), 0)::BIGINT AS tokens,
       COALESCE(SUM(cache_read), 0)::BIGINT AS cache_read,
       COALESCE(SUM("input" + cache_read + cache_write + cache_write_5m + cache_write_1h), 0)::BIGINT AS input_all,
       COALESCE(SUM(${rowCostSql('u')}), 0)::VARCHAR AS cost,
       count(*) FILTER (WHERE attribution = 'invoiced')::BIGINT AS invoiced, count(*)::BIGINT AS n
     FROM usage_attributed u WHERE ${inDays(w)} AND ${chosen === null ? 'true' : `${cur} = ${lit(chosen)}`}`,
  );
  const n = Number(r?.n ?? 0);
  const invoiced = Number(r?.invoiced ?? 0);
  const cost = String(r?.cost ?? '0');
  const num = (k: string) => Number(r?.[k] ?? 0);
  const unit: Report['unit_economics'] = {
    basis: n === 0 ? 'none' : invoiced === n ? 'invoiced' : invoiced === 0 ? 'estimated' : 'mixed',
    currency: n === 0 || chosen === '(no currency)' ? null : chosen,
    requests: num('requests'),
    traces: num('traces'),
    users: num('users'),
    tokens: num('tokens'),
    cost,
    cost_per_request: perUnit(cost, num('requests')),
    cost_per_trace: perUnit(cost, num('traces')),
    cost_per_user: perUnit(cost, num('users')),
    cost_per_1k_tokens: perUnit(cost, num('tokens'), 1000),
    cache_hit_rate:
      num('input_all') === 0 ? null : Math.round((num('cache_read') / num('input_all')) * 10_000) / 10_000,
  };
  return { unit, notes };
}

/** Invoice cost attributed to no key: never allocated, or allocated to no matching usage. */
export async function unallocated(db: Db, w: Window, currency: string): Promise<string> {
  const r = await db.one<{ s: string }>(
    `SELECT COALESCE(SUM("EffectiveCost"), 0)::VARCHAR AS s FROM attributed
     WHERE ${inWindow(w, currency)} AND "ChargeCategory" = 'Usage' AND (x_OriginRowId IS NULL OR "AllocatedResourceId" IS NULL)`,
  );
  return r?.s ?? '0';
}

/** Per source: files, rows and the days its data spans; the number of days with any data in the window. */
export async function coverage(
  db: Db,
  manifest: Manifest,
  w: Window,
): Promise<Omit<Report['coverage'], 'gaps'>> {
  const spans = await db.all<{
    s: string;
    d: string;
    first: string | null;
    last: string | null;
    rows: string;
  }>(
    `SELECT x_SourceId AS s, 'focus' AS d, strftime(min(CAST("ChargePeriodStart" AS DATE)), '%Y-%m-%d') AS first,
       strftime(max(CAST("ChargePeriodStart" AS DATE)), '%Y-%m-%d') AS last, count(*)::VARCHAR AS rows FROM focus GROUP BY 1
     UNION ALL
     SELECT source_id, 'usage', strftime(min("date"), '%Y-%m-%d'), strftime(max("date"), '%Y-%m-%d'), count(*)::VARCHAR
     FROM usage GROUP BY 1 ORDER BY 2, 1`,
  );
  const files = (s: string, d: string) =>
    manifest.files.filter((f) => f.sourceId === s && f.dataset === d).length;
  const days = await db.one<{ n: string }>(
    `SELECT count(DISTINCT d)::VARCHAR AS n FROM (
       SELECT CAST("ChargePeriodStart" AS DATE) AS d FROM focus WHERE "ChargeCategory" = 'Usage'
       UNION ALL SELECT "date" FROM usage) WHERE d >= ${lit(w.from)}::DATE AND d < ${lit(w.to)}::DATE`,
  );
  return {
    sources: spans.map((x) => ({
      source: x.s,
      dataset: x.d,
      files: files(x.s, x.d),
      rows: Number(x.rows),
      first_day: x.first,
      last_day: x.last,
    })),
    days: Number(days?.n ?? 0),
  };
}

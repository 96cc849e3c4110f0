// Daily cost series for forecasts and budgets, as SQL over the views (docs/forecast.md#the-series). Invoiced cost is
// EffectiveCost of the `attributed` view, so a series by feature uses the allocation; a charge spanning several days
// (a monthly fee) is spread evenly over them. Estimated usage (no invoice yet) is a separate series, never added.
// A day with no rows counts as zero spend only when an input covers it; days no input covers are reported as gaps.
import { InputError } from '../errors.js';
import { jsonKeyPath } from '../sql.js';
import { type Db, ident, lit } from '../store/duckdb.js';

/** A filter over tags, provider and model: key -> one value or a list (budget scopes). */
export type Scope = Record<string, string | string[]>;

export interface SeriesQuery {
  /** Group by a tag key, or `provider` / `model`; undefined = one total series. */
  by?: string;
  scope?: Scope;
  /** Only rows billed in this currency; required when the data has several. */
  currency?: string;
}

export interface DailySeries {
  key: string | null;
  /** First and last day with data or coverage, YYYY-MM-DD. */
  from: string;
  to: string;
  /** One value per day from `from` to `to` (null: a gap no input covers). */
  values: (number | null)[];
}

export interface SeriesResult {
  currency: string | null;
  invoiced: DailySeries[];
  estimated: DailySeries[];
  /** Runs of days inside the range that no input covers. */
  gaps: { from: string; to: string }[];
}

const UNTAGGED = '(untagged)';

/** The SQL of a key over a FOCUS relation: provider, model, or a tag (allocation key first, then the row's Tags). */
function focusKey(by: string): string {
  if (by === 'provider') return '"ServiceProviderName"';
  if (by === 'model') return '"x_Model"';
  const path = jsonKeyPath(by);
  return `COALESCE(json_extract_string("AllocatedTags", ${path}), json_extract_string("Tags", ${path}))`;
}

function usageKey(by: string): string {
  if (by === 'provider' || by === 'model') return ident(by);
  return `json_extract_string(tags, ${jsonKeyPath(by)})`;
}

function scopeSql(scope: Scope, key: (k: string) => string): string {
  const parts = Object.entries(scope).map(([k, v]) => {
    const list = Array.isArray(v) ? v : [v];
    // provider and model names are matched whatever their case (`anthropic` = `Anthropic`); tag values exactly
    if (k === 'provider' || k === 'model')
      return `lower(${key(k)}) IN (${list.map((x) => lit(x.toLowerCase())).join(', ')})`;
    return `${key(k)} IN (${list.map(lit).join(', ')})`;
  });
  return parts.length ? parts.join(' AND ') : 'true';
}

/** The billing currencies present in the invoiced data. */
export async function currencies(db: Db): Promise<string[]> {
  const rows = await db.all<{ c: string }>(
    'SELECT DISTINCT "BillingCurrency" AS c FROM attributed WHERE "BillingCurrency" IS NOT NULL ORDER BY 1',
  );
  return rows.map((r) => r.c);
}

/** The currency a query runs in: the one asked for, or the only one there is. */
export async function resolveCurrency(
  db: Db,
  asked: string | undefined,
  what: string,
): Promise<string | null> {
  const have = await currencies(db);
  if (asked) return asked;
  if (have.length > 1)
    throw new InputError(
      `${what}: the data is billed in several currencies (${have.join(', ')}); name one`,
      {},
      'give a currency (--currency, or `currency:` in a budget): amounts in different currencies are never added',
    );
  return have[0] ?? null;
}

interface DayRow {
  k: string | null;
  day: string;
  cost: number;
}

interface Window {
  from: string;
  to: string;
}

const addDays = (day: string, n: number): string => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

/** Every day from `from` to `to` inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Per-key series over the covered range: covered days without rows are 0, uncovered ones null. */
function toSeries(rows: DayRow[], windows: Window[]): { series: DailySeries[]; gaps: Window[] } {
  if (windows.length === 0) return { series: [], gaps: [] };
  // ISO days sort as text
  const from = windows.map((w) => w.from).sort()[0]!;
  const to = windows
    .map((w) => w.to)
    .sort()
    .at(-1)!;
  const days = daysBetween(from, to);
  const covered = days.map((d) => windows.some((w) => w.from <= d && d <= w.to));
  const index = new Map(days.map((d, i) => [d, i]));
  const byKey = new Map<string | null, (number | null)[]>();
  for (const r of rows) {
    let v = byKey.get(r.k);
    if (!v) {
      v = covered.map((c) => (c ? 0 : null));
      byKey.set(r.k, v);
    }
    const i = index.get(r.day);
    if (i !== undefined) v[i] = (v[i] ?? 0) + Number(r.cost);
  }
  const gaps: Window[] = [];
  days.forEach((d, i) => {
    if (covered[i]) return;
    const last = gaps[gaps.length - 1];
    if (last && last.to === addDays(d, -1)) last.to = d;
    else gaps.push({ from: d, to: d });
  });
  const series = [...byKey.entries()]
    .sort(([a], [b]) => String(a).localeCompare(String(b)))
    .map(([key, values]) => ({ key, from, to, values }));
  return { series, gaps };
}

/**
 * Daily invoiced and estimated cost series (one per key value, or one total), over the days the inputs cover.
 * Invoiced: `attributed` EffectiveCost in `currency`, multi-day charges spread evenly; purchases (prepaid, not yet
 * spent) carry EffectiveCost 0 and do not stretch the range. Estimated: usage no invoice covers, at price-book cost.
 */
export async function dailySeries(
  db: Db,
  q: Omit<SeriesQuery, 'currency'> & { currency: string | null },
): Promise<SeriesResult> {
  const fk = q.by ? `COALESCE(${focusKey(q.by)}, ${lit(UNTAGGED)})` : 'NULL';
  const fscope = scopeSql(q.scope ?? {}, focusKey);
  const cur = q.currency === null ? 'true' : `"BillingCurrency" = ${lit(q.currency)}`;
  const span = `CAST("ChargePeriodStart" AS DATE) AS d0,
    GREATEST(CAST("ChargePeriodEnd" - INTERVAL 1 MICROSECOND AS DATE), CAST("ChargePeriodStart" AS DATE)) AS d1`;
  const invoiced = await db.all<DayRow>(
    `WITH r AS (SELECT ${fk} AS k, ${span}, CAST("EffectiveCost" AS DOUBLE) AS c FROM attributed
        WHERE ${cur} AND ${fscope} AND "EffectiveCost" <> 0 AND "ChargePeriodStart" IS NOT NULL)
     SELECT k, strftime(day, '%Y-%m-%d') AS day, SUM(c / (date_diff('day', d0, d1) + 1)) AS cost
     FROM (SELECT k, d0, d1, c, unnest(generate_series(d0, d1, INTERVAL 1 DAY))::DATE AS day FROM r) GROUP BY ALL`,
  );
  const fwin = await db.all<Window>(
    `SELECT strftime(min(d0), '%Y-%m-%d') AS "from", strftime(max(d1), '%Y-%m-%d') AS "to"
     FROM (SELECT x_SourceFile, ${span} FROM focus WHERE ${cur} AND "ChargeCategory" = 'Usage'
       AND "ChargePeriodEnd" - "ChargePeriodStart" <= INTERVAL 31 DAY) GROUP BY x_SourceFile`,
  );
  const uk = q.by ? `COALESCE(${usageKey(q.by)}, ${lit(UNTAGGED)})` : 'NULL';
  const uscope = scopeSql(q.scope ?? {}, usageKey);
  const estimated = await db.all<DayRow>(
    `SELECT ${uk} AS k, strftime("date", '%Y-%m-%d') AS day, SUM(CAST(cost_estimate AS DOUBLE)) AS cost
     FROM usage_attributed WHERE attribution = 'estimated' AND ${uscope} AND cost_estimate IS NOT NULL GROUP BY ALL`,
  );
  const uwin = await db.all<Window>(
    `SELECT strftime(min("date"), '%Y-%m-%d') AS "from", strftime(max("date"), '%Y-%m-%d') AS "to"
     FROM usage GROUP BY source_file`,
  );
  const inv = toSeries(invoiced, fwin);
  return {
    currency: q.currency,
    invoiced: inv.series,
    estimated: toSeries(estimated, uwin).series,
    gaps: inv.gaps,
  };
}

/** Exact spend (DECIMAL, as text) of the invoiced rows in scope whose charge starts in [from, through]. */
export async function exactSpend(
  db: Db,
  scope: Scope,
  currency: string | null,
  from: string,
  through: string,
): Promise<string> {
  const cur = currency === null ? 'true' : `"BillingCurrency" = ${lit(currency)}`;
  const r = await db.one<{ s: string }>(
    `SELECT COALESCE(SUM("EffectiveCost"), 0)::VARCHAR AS s FROM attributed
     WHERE ${cur} AND ${scopeSql(scope, focusKey)}
       AND CAST("ChargePeriodStart" AS DATE) >= $1::DATE AND CAST("ChargePeriodStart" AS DATE) <= $2::DATE`,
    [from, through],
  );
  return r?.s ?? '0';
}

/** The calendar period (UTC) of a kind containing `asOf`: [from, to). */
export function periodOf(kind: 'month' | 'quarter' | 'year', asOf: string): { from: string; to: string } {
  const d = new Date(`${asOf}T00:00:00Z`);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const startMonth = kind === 'month' ? m : kind === 'quarter' ? m - (m % 3) : 0;
  const months = kind === 'month' ? 1 : kind === 'quarter' ? 3 : 12;
  const iso = (t: number) => new Date(t).toISOString().slice(0, 10);
  return { from: iso(Date.UTC(y, startMonth, 1)), to: iso(Date.UTC(y, startMonth + months, 1)) };
}

// The money parts of the report, as SQL over `attributed` (invoiced) and `usage_attributed` (unit economics and
// usage not invoiced yet): totals, breakdowns by a dimension against the comparison period, movers, daily cost.
// Sums are exact DECIMAL; shares and percentages are numbers for display.

import { compareDecimal, mulDiv, toFixed18 } from '../../prices/decimal.js';
import type { Breakdown, BreakdownLine } from '../../report/model.js';
import { jsonKeyPath } from '../../sql.js';
import type { Db } from '../../store/duckdb.js';
import { lit } from '../../store/duckdb.js';

export interface Window {
  from: string;
  to: string;
}

/** The SQL of a dimension over `attributed`: provider, model, or a tag (the allocation's key first). */
export function dimensionSql(dimension: string): string {
  if (dimension === 'provider') return `COALESCE("ServiceProviderName", '(none)')`;
  if (dimension === 'model') return `COALESCE("x_Model", '(none)')`;
  const path = jsonKeyPath(dimension);
  return `COALESCE(json_extract_string("AllocatedTags", ${path}), json_extract_string("Tags", ${path}), '(untagged)')`;
}

/** The same dimension over `usage_attributed` rows. */
export function usageDimensionSql(dimension: string): string {
  if (dimension === 'provider' || dimension === 'model') return `COALESCE(${dimension}, '(none)')`;
  return `COALESCE(json_extract_string(tags, ${jsonKeyPath(dimension)}), '(untagged)')`;
}

/** Rows of `attributed` charged in a window (by charge start day) and a currency. */
export const inWindow = (w: Window, currency: string): string =>
  `"BillingCurrency" = ${lit(currency)} AND CAST("ChargePeriodStart" AS DATE) >= ${lit(w.from)}::DATE
   AND CAST("ChargePeriodStart" AS DATE) < ${lit(w.to)}::DATE`;

export async function total(db: Db, w: Window, currency: string): Promise<string> {
  const r = await db.one<{ s: string }>(
    `SELECT COALESCE(SUM("EffectiveCost"), 0)::VARCHAR AS s FROM attributed WHERE ${inWindow(w, currency)}`,
  );
  return r?.s ?? '0';
}

/** Cost per dimension value in a window, exact. */
export async function costBy(
  db: Db,
  dimension: string,
  w: Window,
  currency: string,
): Promise<Map<string, string>> {
  const rows = await db.all<{ k: string; s: string }>(
    `SELECT ${dimensionSql(dimension)} AS k, SUM("EffectiveCost")::VARCHAR AS s FROM attributed
     WHERE ${inWindow(w, currency)} GROUP BY 1`,
  );
  return new Map(rows.map((r) => [r.k, r.s]));
}

/** a − b exactly (decimal strings as BigInt units), rounded once to 2 decimals, half away from zero. */
const sub = (a: string, b: string) => {
  const cents = mulDiv(toFixed18(a) - toFixed18(b), 1n, 10n ** 16n);
  const abs = cents < 0n ? -cents : cents;
  return `${cents < 0n ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
};
const pctChange = (now: string, before: string | null) =>
  before === null || Number(before) === 0
    ? null
    : Math.round(((Number(now) - Number(before)) / Number(before)) * 10_000) / 100;

/** Lines of a breakdown: the current cost per key, with the comparison's when there is one. */
export function lines(
  now: Map<string, string>,
  before: Map<string, string> | null,
  totalCost: string,
): BreakdownLine[] {
  const keys = new Set([...now.keys(), ...(before ? before.keys() : [])]);
  return [...keys]
    .map((key) => {
      const cost = now.get(key) ?? '0';
      const previous = before ? (before.get(key) ?? '0') : null;
      return {
        key,
        cost,
        share: Number(totalCost) === 0 ? 0 : Math.round((Number(cost) / Number(totalCost)) * 10_000) / 10_000,
        previous,
        change: previous === null ? null : sub(cost, previous),
        change_pct: pctChange(cost, previous),
      };
    })
    .sort((a, b) => compareDecimal(b.cost, a.cost) || a.key.localeCompare(b.key));
}

/** A breakdown capped at `top` lines; the rest is summed into `others` so the lines still add up. */
export function breakdown(dimension: string, all: BreakdownLine[], top = 10): Breakdown {
  const shown = all.filter((l) => Number(l.cost) !== 0 || Number(l.previous ?? 0) !== 0);
  const rest = shown.slice(top);
  return {
    dimension,
    lines: shown.slice(0, top),
    others: rest.length
      ? { count: rest.length, cost: rest.reduce((s, l) => s + Number(l.cost), 0).toFixed(2) }
      : null,
  };
}

/** The biggest movers against the comparison: the largest increases, then the largest decreases. */
export function movers(all: BreakdownLine[], n = 5): BreakdownLine[] {
  const changed = all.filter((l) => l.change !== null && Number(l.change) !== 0);
  const up = [...changed]
    .sort((a, b) => Number(b.change) - Number(a.change))
    .filter((l) => Number(l.change) > 0);
  const down = [...changed]
    .sort((a, b) => Number(a.change) - Number(b.change))
    .filter((l) => Number(l.change) < 0);
  return [...up.slice(0, n), ...down.slice(0, n)];
}

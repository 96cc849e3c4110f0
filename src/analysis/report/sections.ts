// One currency's section of the report, and the estimated (not yet invoiced) usage: totals against the comparison
// period, breakdowns by provider, model, team, feature and the report's key, movers, and the daily cost for charts.

import type { CurrencySection, Report } from '../../report/model.js';
import type { Db } from '../../store/duckdb.js';
import { lit } from '../../store/duckdb.js';
import { dailySeries, daysBetween } from '../series.js';
import { breakdown, costBy, lines, movers, total, usageDimensionSql, type Window } from './breakdowns.js';
import { unallocated } from './usage.js';

const DIMENSIONS = ['provider', 'model', 'team', 'feature'];

const change = (now: string, before: string | null) => ({
  change: before === null ? null : (Number(now) - Number(before)).toFixed(2),
  change_pct:
    before === null || Number(before) === 0
      ? null
      : Math.round(((Number(now) - Number(before)) / Number(before)) * 10_000) / 100,
});

/** An earlier report's costs by a dimension (for --compare FILE). */
function fromEarlier(earlier: Report, currency: string, dimension: string): Map<string, string> | null {
  const sec = earlier.currencies.find((c) => c.currency === currency);
  const b = sec?.breakdowns.find((x) => x.dimension === dimension);
  return b ? new Map(b.lines.map((l) => [l.key, l.cost])) : null;
}

export async function currencySection(
  db: Db,
  currency: string,
  period: Window,
  prev: Window | null,
  earlier: Report | null,
  by: string,
  lastDay: string,
): Promise<CurrencySection> {
  const now = await total(db, period, currency);
  const before = earlier
    ? (earlier.currencies.find((c) => c.currency === currency)?.total ?? null)
    : prev
      ? await total(db, prev, currency)
      : null;
  const dims = DIMENSIONS.includes(by) ? DIMENSIONS : [...DIMENSIONS, by];
  const breakdowns = [];
  let byLines = lines(new Map(), null, now);
  for (const d of dims) {
    const cur = await costBy(db, d, period, currency);
    const old = earlier
      ? fromEarlier(earlier, currency, d)
      : prev
        ? await costBy(db, d, prev, currency)
        : null;
    const all = lines(cur, old, now);
    if (d === by) byLines = all;
    breakdowns.push(breakdown(d, all));
  }
  const last = lastDay < period.to ? lastDay : daysBetween(period.from, period.to).at(-2)!;
  const monthStart = `${last.slice(0, 7)}-01`;
  const mtd = await total(
    db,
    { from: monthStart > period.from ? monthStart : period.from, to: shiftDay(last) },
    currency,
  );
  const series = await dailySeries(db, { currency });
  const s = series.invoiced[0];
  const daily = s
    ? daysBetween(s.from, s.to)
        .map((day, i) => ({ day, cost: (s.values[i] ?? 0).toFixed(2) }))
        .filter((d) => d.day >= period.from && d.day < period.to)
    : [];
  const un = await unallocated(db, period, currency);
  return {
    currency,
    total: now,
    previous: before,
    ...change(now, before),
    month_to_date: { month: last.slice(0, 7), cost: mtd },
    unallocated: un,
    unallocated_share: Number(now) === 0 ? 0 : Math.round((Number(un) / Number(now)) * 10_000) / 10_000,
    breakdowns,
    movers: movers(byLines),
    daily,
  };
}

function shiftDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Usage no invoice covers yet, at price-book cost, by the report's key. */
export async function estimated(
  db: Db,
  period: Window,
  by: string,
): Promise<Omit<Report['estimated'], 'share'>> {
  const rows = await db.all<{ k: string; s: string }>(
    `SELECT ${usageDimensionSql(by)} AS k, SUM(cost_estimate)::VARCHAR AS s FROM usage_attributed
     WHERE attribution = 'estimated' AND cost_estimate IS NOT NULL
       AND "date" >= ${lit(period.from)}::DATE AND "date" < ${lit(period.to)}::DATE GROUP BY 1`,
  );
  const sum = rows.reduce((a, r) => a + Number(r.s), 0).toFixed(6);
  const all = lines(new Map(rows.map((r) => [r.k, r.s])), null, sum);
  return { currency: 'USD', total: sum, breakdown: breakdown(by, all) };
}

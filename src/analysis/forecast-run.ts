// `aicost forecast` as a library function: the daily cost series of a data home (analysis/series.ts), one forecast
// per series (analysis/forecast/), the month-end projection, and per prepaid commitment its balance and exhaustion
// date. The report is versioned (`aicost.forecast/1`, docs/forecast.md#json); money is rounded to the cent there
// (forecasts are estimates, never money of record).
import { withDb } from '../store/duckdb.js';
import { type CommitmentForecast, commitmentForecasts } from './commitment-forecast.js';
import { forecast, type Method, monthEnd } from './forecast/index.js';
import { type DailySeries, dailySeries, daysBetween, periodOf, resolveCurrency } from './series.js';
import { attachViews } from './views.js';

export interface ForecastRunOptions {
  horizon: number;
  method: Method | 'auto';
  by?: string;
  currency?: string;
}

const money = (x: number) => (Math.round(x * 100) / 100).toFixed(2);
const band = (q: { p10: number; p50: number; p90: number }) => ({
  p10: money(q.p10),
  p50: money(q.p50),
  p90: money(q.p90),
});

export interface SeriesForecast {
  key: string | null;
  basis: 'invoiced' | 'estimated';
  method: Method;
  requested: Method | 'auto';
  /** Days of history used (after the last gap) and the days forecast. */
  history_days: number;
  horizon_days: number;
  /** The last history day and the forecast's first and last day. */
  last_day: string;
  from: string;
  to: string;
  /** Horizon totals. */
  p10: string;
  p50: string;
  p90: string;
  /** The month of the last history day: actual to date plus the forecast of its remaining days. */
  month_end: { month: string; actual: string; remaining_days: number; p10: string; p50: string; p90: string };
  backtest: { metric: 'mape' | 'wape'; mape: number | null; coverage: number | null; origins: number };
  days: { day: string; p10: string; p50: string; p90: string }[];
  notes: string[];
}

export interface ForecastReport {
  schema: 'aicost.forecast/1';
  currency: string | null;
  by: string | null;
  horizon_days: number;
  /** Invoiced cost (EffectiveCost of `attributed`). */
  series: SeriesForecast[];
  /** Usage no invoice covers yet, at price-book cost: shown beside, never added. */
  estimated: SeriesForecast[];
  /** Per prepaid commitment: balance (exact, in its unit) and the projected exhaustion date. */
  commitments: CommitmentForecast[];
  /** Runs of days inside the data's range that no input covers (not treated as zero spend). */
  gaps: { from: string; to: string }[];
  notes: string[];
}

function shift(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The history after the last gap (a day no input covers), with the day it ends on. */
function usableHistory(s: DailySeries): { values: number[]; first: string; notes: string[] } {
  const lastGap = s.values.lastIndexOf(null);
  const values = s.values.slice(lastGap + 1).map((v) => v ?? 0);
  const first = shift(s.from, lastGap + 1);
  const notes =
    lastGap >= 0
      ? [`forecast from the ${values.length} days after the last gap in the data (${shift(s.from, lastGap)})`]
      : [];
  return { values, first, notes };
}

function forecastOne(s: DailySeries, basis: SeriesForecast['basis'], o: ForecastRunOptions): SeriesForecast {
  const h = usableHistory(s);
  const last = s.to;
  const { from: monthStart, to: nextMonth } = periodOf('month', last);
  const remaining = daysBetween(shift(last, 1), shift(nextMonth, -1)).length;
  const fc = forecast(h.values, { horizon: Math.max(o.horizon, remaining, 1), method: o.method });
  // month to date from the full series (a gap inside the month counts as nothing known, not as zero)
  const offset = Math.max(0, daysBetween(s.from, monthStart).length - 1);
  const mtd = s.values.slice(monthStart < s.from ? 0 : offset).reduce<number>((a, b) => a + (b ?? 0), 0);
  const me = monthEnd(mtd, fc, remaining);
  const days = fc.days.slice(0, o.horizon);
  const total = days.length ? days[days.length - 1]!.cumulative : { p10: 0, p50: 0, p90: 0 };
  const month = last.slice(0, 7);
  return {
    key: s.key,
    basis,
    method: fc.method,
    requested: fc.requested,
    history_days: fc.historyDays,
    horizon_days: o.horizon,
    last_day: last,
    from: shift(last, 1),
    to: shift(last, o.horizon),
    ...band(total),
    month_end: { month, actual: money(me.actual), remaining_days: remaining, ...band(me) },
    backtest: {
      metric: fc.backtest.metric,
      mape: fc.backtest.error,
      coverage: fc.backtest.coverage,
      origins: fc.backtest.origins,
    },
    days: days.map((d) => ({ day: shift(last, d.offset), ...band(d) })),
    notes: [...h.notes, ...fc.notes],
  };
}

/** Forecasts every series of a data home. */
export async function runForecast(home: string, o: ForecastRunOptions): Promise<ForecastReport> {
  const commitments = await commitmentForecasts(home);
  return withDb({}, async (db) => {
    await attachViews(db, home);
    const currency = await resolveCurrency(db, o.currency, 'forecast');
    const s = await dailySeries(db, { by: o.by, currency });
    const notes: string[] = [];
    if (s.gaps.length)
      notes.push(`${s.gaps.length} gap(s) in the data: days no input covers are not taken as zero spend`);
    return {
      schema: 'aicost.forecast/1',
      currency,
      by: o.by ?? null,
      horizon_days: o.horizon,
      series: s.invoiced.map((x) => forecastOne(x, 'invoiced', o)),
      estimated: s.estimated.map((x) => forecastOne(x, 'estimated', o)),
      commitments,
      gaps: s.gaps,
      notes,
    };
  });
}

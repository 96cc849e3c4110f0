// Rolling-origin backtest (docs/forecast.md#backtest): every day of the most recent weeks is an origin; from the
// history before it each method forecasts the next `lead` days, and the forecasts are compared with what happened.
import { dailyBands, type ErrorWindow, fitErrorModel, levelOf } from './intervals.js';
import { MIN_MODEL_HISTORY, pointForecast } from './methods.js';
import { mean, sum } from './stats.js';
import type { ErrorMetric, Method } from './types.js';

/** The most origins used: eight weeks of them, recent enough to describe how the series behaves now. */
const MAX_ORIGINS = 56;

/** Windows a coverage score or a fitted error model needs: fewer make the P10/P90 mostly noise. */
export const MIN_WINDOWS = 7;

export interface BacktestPlan {
  lead: number;
  /** History lengths to forecast from, oldest first; empty when the history is too short. */
  origins: number[];
}

/**
 * Two-week leads once the history gives a month of origins for them (eight weeks), one-week leads before; the
 * first origin has two weeks behind it. Fewer than MIN_WINDOWS origins is no backtest: one or two windows would
 * let a lucky week choose the method.
 */
export function planBacktest(n: number): BacktestPlan {
  const lead = n >= MIN_MODEL_HISTORY + 14 + 28 ? 14 : 7;
  const last = n - lead;
  const first = Math.max(MIN_MODEL_HISTORY, last - MAX_ORIGINS + 1);
  if (last - first + 1 < MIN_WINDOWS) return { lead, origins: [] };
  const origins: number[] = [];
  for (let o = first; o <= last; o++) origins.push(o);
  return { lead, origins };
}

/** The least history with a backtest. */
export const MIN_BACKTEST_HISTORY = MIN_MODEL_HISTORY + 7 + MIN_WINDOWS - 1;

export function backtestWindows(method: Method, y: readonly number[], plan: BacktestPlan): ErrorWindow[] {
  return plan.origins.map((origin) => ({
    origin,
    level: levelOf(y.slice(0, origin)),
    forecast: pointForecast(method, y.slice(0, origin), plan.lead),
    actual: y.slice(origin, origin + plan.lead),
  }));
}

/**
 * MAPE when every actual backtest day is at least a tenth of their mean; WAPE otherwise, because MAPE is undefined
 * on a day of 0 and a few near-zero days (a quiet weekend) would decide it alone.
 */
export function chooseMetric(windows: readonly ErrorWindow[]): ErrorMetric {
  const actual = windows.flatMap((w) => w.actual);
  if (actual.length === 0) return 'mape'; // nothing measured: the name is a placeholder beside a null error
  const floor = mean(actual) / 10;
  return floor > 0 && actual.every((a) => a >= floor) ? 'mape' : 'wape';
}

/** The backtest error as a fraction; null without windows, or WAPE over actuals that sum to 0 with errors. */
export function backtestError(windows: readonly ErrorWindow[], metric: ErrorMetric): number | null {
  if (windows.length === 0) return null;
  const pairs = windows.flatMap((w) => w.actual.map((a, i) => [a, w.forecast[i]!] as const));
  if (metric === 'mape') return mean(pairs.map(([a, f]) => Math.abs(a - f) / a));
  const abs = sum(pairs.map(([a, f]) => Math.abs(a - f)));
  const total = sum(pairs.map(([a]) => Math.abs(a)));
  if (total > 0) return abs / total;
  return abs === 0 ? 0 : null;
}

/**
 * Share of backtest days inside the P10–P90 band, scored out of sample: each origin's band comes from the windows
 * whose every day was already known at that origin, never from its own errors or later ones. Null when no origin
 * has MIN_WINDOWS such windows before it.
 */
export function backtestCoverage(windows: readonly ErrorWindow[], lead: number): number | null {
  let inside = 0;
  let days = 0;
  for (const w of windows) {
    const known = windows.filter((k) => k.origin + lead <= w.origin);
    if (known.length < MIN_WINDOWS) continue;
    dailyBands(w.forecast, fitErrorModel(known), w.level).forEach((b, i) => {
      const a = w.actual[i]!;
      days++;
      if (a >= b.p10 && a <= b.p90) inside++;
    });
  }
  return days === 0 ? null : inside / days;
}

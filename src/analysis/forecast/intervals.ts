// P10/P50/P90 bands from the errors a method made in the backtest (docs/forecast.md#intervals).
// The error variance is modelled as growing linearly with the lead, a + b·h, fitted on the backtest's mean squared
// error at each lead, so it can be carried past the backtest's lead to the whole horizon. Daily bands use the
// empirical P10/P90 of the errors divided by that scale (pooled over all leads: a per-lead quantile from a few dozen
// overlapping windows would be mostly noise). Totals add days whose errors are correlated (a level that is off is
// off every day), so their spread is fitted separately, on the backtest's running totals.
import { fitTotalGrowth, type TotalGrowth, totalVariance } from './growth.js';
import { mean, quantile, stdev, sum, Z90 } from './stats.js';
import type { ForecastDay, Quantiles } from './types.js';

/** What one backtest origin forecast and what then happened. */
export interface ErrorWindow {
  /** Days of history the forecast was made from. */
  origin: number;
  /** The series' recent level at the origin (levelOf), which the errors are measured against. */
  level: number;
  forecast: number[];
  actual: number[];
}

/** Days whose mean is the level errors are scaled by: two weeks, steadier than one and still current. */
const LEVEL_DAYS = 14;

/**
 * The recent level of a series: the mean absolute day of its last two weeks. Errors are modelled relative to it,
 * because spend's noise grows with spend: absolute errors learned at last month's level understate this month's.
 */
export function levelOf(history: readonly number[]): number {
  return mean(history.slice(-LEVEL_DAYS).map(Math.abs));
}

export interface ErrorModel {
  /** Error variance at lead h is `a + b·h`, in units of the level squared (absolute units for the fallback). */
  a: number;
  b: number;
  /** How the variance of the running total's error grows with its days, in the same units. */
  total: TotalGrowth;
  /** P10 and P90 of the standardised daily error; zLow ≤ 0 ≤ zHigh so the band always holds the P50. */
  zLow: number;
  zHigh: number;
}

/** A window's errors relative to its level; a window at level 0 has nothing to scale by and is left out. */
const errorsOf = (w: ErrorWindow) => w.actual.map((a, i) => (a - w.forecast[i]!) / w.level);

const scale = (m: ErrorModel, h: number) => Math.sqrt(m.a + m.b * h);

/** Least squares for v_h = a + b·h with a, b ≥ 0 (variance neither negative nor shrinking with the lead). */
function varianceGrowth(msByLead: readonly number[]): { a: number; b: number } {
  const hs = msByLead.map((_, i) => i + 1);
  const mh = mean(hs);
  const mv = mean(msByLead);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < hs.length; i++) {
    sxy += (hs[i]! - mh) * (msByLead[i]! - mv);
    sxx += (hs[i]! - mh) ** 2;
  }
  const b = sxx > 0 ? sxy / sxx : 0;
  if (b <= 0) return { a: mv, b: 0 };
  const a = mv - b * mh;
  if (a >= 0) return { a, b };
  // Steeper than linear growth: fit through the origin instead, which keeps the first lead's variance above 0.
  let num = 0;
  let den = 0;
  for (let i = 0; i < hs.length; i++) {
    num += hs[i]! * msByLead[i]!;
    den += hs[i]! * hs[i]!;
  }
  return { a: 0, b: num / den };
}

/** The error model of a method from its backtest windows (all of the same lead). */
export function fitErrorModel(windows: readonly ErrorWindow[]): ErrorModel {
  const errs = windows.filter((w) => w.level > 0).map(errorsOf);
  const lead = errs[0]?.length ?? 0;
  const ms = Array.from({ length: lead }, (_, h) => mean(errs.map((e) => e[h]! ** 2)));
  const totals = Array.from({ length: lead }, (_, h) => mean(errs.map((e) => sum(e.slice(0, h + 1)) ** 2)));
  const model: ErrorModel = { ...varianceGrowth(ms), total: fitTotalGrowth(totals), zLow: 0, zHigh: 0 };
  const z: number[] = [];
  for (const e of errs)
    e.forEach((x, h) => {
      const s = scale(model, h + 1);
      if (s > 0) z.push(x / s);
    });
  model.zLow = Math.min(0, quantile(z, 0.1));
  model.zHigh = Math.max(0, quantile(z, 0.9));
  return model;
}

/**
 * The error model when there is no backtest to learn from: days independent around a mean of k days, the
 * run-rate's own assumption. Each day's error then has variance σ²(1 + 1/k), and the mean's error (σ²/k) is shared
 * by every day, so the total's through day h has σ²·h + (σ²/k)·h². σ is the spread of the last four weeks; with a
 * single day it is taken as large as the day itself (nothing better is known, and a zero-width band would claim
 * certainty).
 */
export function fallbackErrorModel(history: readonly number[], k: number): ErrorModel {
  const recent = history.slice(-28);
  const sigma = recent.length >= 2 ? stdev(recent) : Math.abs(mean(recent));
  const n = Math.max(1, Math.min(k, history.length));
  const v = sigma * sigma;
  return { a: v * (1 + 1 / n), b: 0, total: { u: v, w: v / n, r: 0 }, zLow: -Z90, zHigh: Z90 };
}

/** The daily P10/P50/P90 around clamped point forecasts (lead h = index + 1), at the given level. */
export function dailyBands(points: readonly number[], m: ErrorModel, level: number): Quantiles[] {
  return points.map((p, i) => {
    const s = level * scale(m, i + 1);
    return { p10: Math.max(0, p + m.zLow * s), p50: p, p90: Math.max(p, p + m.zHigh * s) };
  });
}

/**
 * Days with their cumulative quantiles. A running total of non-negative days never falls, so neither can its
 * quantiles; the running maximum corrects where the normal approximation would let the P10 dip.
 */
export function forecastDays(points: readonly number[], m: ErrorModel, level: number): ForecastDay[] {
  let c50 = 0;
  let lo = 0;
  let hi = 0;
  return dailyBands(points, m, level).map((d, i) => {
    const h = i + 1;
    c50 += d.p50;
    const sd = level * Math.sqrt(totalVariance(m.total, h));
    lo = Math.max(lo, c50 - Z90 * sd);
    hi = Math.max(hi, c50 + Z90 * sd);
    return { offset: h, ...d, cumulative: { p10: lo, p50: c50, p90: hi } };
  });
}

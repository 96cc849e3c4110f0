// The forecasting engine's public types (docs/forecast.md). Plain numbers, not decimals: a forecast is a
// statistical estimate, and the command rounds to the currency's minor unit at the boundary.

/** A point-forecasting method, simplest first. */
export type Method = 'run-rate' | 'linear' | 'seasonal';

/** The methods in order of simplicity; `auto` prefers the earlier one on a tie. */
export const METHODS: readonly Method[] = ['run-rate', 'linear', 'seasonal'];

export interface ForecastOptions {
  /** Days to forecast after the last history day; a whole number ≥ 1. */
  horizon: number;
  /** A method, or `auto`: the method with the lowest backtest error. */
  method: Method | 'auto';
}

/** The 10th, 50th and 90th percentiles of one quantity. */
export interface Quantiles {
  p10: number;
  p50: number;
  p90: number;
}

/** One forecast day. `offset` 1 is the day after the last history day. */
export interface ForecastDay extends Quantiles {
  offset: number;
  /** Quantiles of the total from offset 1 through this day (non-decreasing in `offset`). */
  cumulative: Quantiles;
}

/**
 * The error measure of a backtest. `mape`: mean over backtest days of |actual − forecast| / actual, used when every
 * actual day is at least a tenth of their mean. `wape`: Σ|actual − forecast| / Σ actual, used otherwise (days at or
 * near 0 make MAPE undefined or dominated by those days). Both are fractions (0.12 = 12 %).
 */
export type ErrorMetric = 'mape' | 'wape';

/** How one method did in the rolling-origin backtest. */
export interface MethodScore {
  method: Method;
  /** The backtest error in `Backtest.metric`; null when the history is too short to backtest. */
  error: number | null;
  /** Share of backtest days whose actual fell inside the P10–P90 band; null when no origin could be scored. */
  coverage: number | null;
}

export interface Backtest {
  metric: ErrorMetric;
  /** The chosen method's error; null when there was no backtest. */
  error: number | null;
  /** The chosen method's P10–P90 coverage; null when no origin had earlier windows to calibrate on. */
  coverage: number | null;
  /** Forecast origins evaluated (each forecasts `lead` days from the data before it). */
  origins: number;
  /** Days forecast from each origin. */
  lead: number;
}

export interface Forecast {
  method: Method;
  requested: Method | 'auto';
  historyDays: number;
  horizonDays: number;
  days: ForecastDay[];
  /** Quantiles of the horizon total (the last day's `cumulative`). */
  total: Quantiles;
  backtest: Backtest;
  /** Every method's backtest score, simplest first. */
  candidates: MethodScore[];
  /** Why the method or the intervals are what they are, in plain sentences. */
  notes: string[];
}

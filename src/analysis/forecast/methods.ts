// The point forecasts of the three methods (docs/forecast.md#methods). Each takes the history (oldest first) and
// returns one number per day ahead; the backtest calls the same functions on shorter histories.
import { InternalError } from '../../errors.js';
import { HW_MIN_HISTORY, holtWinters, SEASON } from './holt-winters.js';
import { leastSquares, mean } from './stats.js';
import type { Method } from './types.js';

/** Days averaged by run-rate: one week, so every weekday counts once. */
export const RUN_RATE_DAYS = 7;

/** The longest window the linear trend is fitted on: eight weeks. */
export const LINEAR_MAX_DAYS = 56;

/** History below which every method falls back to run-rate: two weeks, the least a trend or season needs. */
export const MIN_MODEL_HISTORY = HW_MIN_HISTORY;

/**
 * The trailing 7-day mean, flat. No growth factor: a week-over-week ratio compounded over a month turns one noisy
 * week into a large error, and the trend methods already cover growth.
 */
export function runRate(y: readonly number[], horizon: number): number[] {
  const level = mean(y.slice(-RUN_RATE_DAYS));
  return Array.from({ length: horizon }, () => level);
}

/**
 * The least-squares line over the last whole weeks (up to eight), continued. Whole weeks keep a weekday/weekend
 * pattern from tilting the slope (a window starting on a weekend and ending on a weekday would read as growth).
 */
export function linear(y: readonly number[], horizon: number): number[] {
  const whole = Math.floor(y.length / SEASON) * SEASON;
  const window = y.length >= MIN_MODEL_HISTORY ? Math.min(LINEAR_MAX_DAYS, whole) : y.length;
  const ys = y.slice(y.length - window);
  const { intercept, slope } = leastSquares(
    ys.map((_, i) => i),
    ys,
  );
  return Array.from({ length: horizon }, (_, i) => intercept + slope * (window - 1 + i + 1));
}

/**
 * The method's point forecasts, clamped at 0 (cost is never negative). Trend and season methods need two weeks of
 * history; callers fall back to run-rate below that.
 */
export function pointForecast(method: Method, y: readonly number[], horizon: number): number[] {
  if (method !== 'run-rate' && y.length < MIN_MODEL_HISTORY)
    throw new InternalError(
      `forecast: ${method} needs ${MIN_MODEL_HISTORY} days of history, got ${y.length}`,
    );
  const raw =
    method === 'run-rate'
      ? runRate(y, horizon)
      : method === 'linear'
        ? linear(y, horizon)
        : holtWinters(y, horizon);
  return raw.map((v) => Math.max(0, v));
}

// Additive Holt-Winters with a (possibly) damped trend and a weekly season: ETS(A,Ad,A) in error-correction form
// (docs/forecast.md#seasonal). Parameters come from a small grid, scored by the one-step-ahead squared error over
// the whole history: the series are weeks to months long, so a grid of a few hundred runs is cheap, deterministic
// and never wanders off the way an unconstrained optimizer can on short noisy data.
import { leastSquares, mean } from './stats.js';

/** The season length: spend follows the working week. */
export const SEASON = 7;

export interface HwParams {
  /** Level smoothing. */
  alpha: number;
  /** Trend smoothing (error-correction form, so at most alpha). */
  beta: number;
  /** Season smoothing (at most 1 − alpha). */
  gamma: number;
  /** Trend damping: the trend's effect fades by this factor per day ahead. */
  phi: number;
}

interface HwState {
  level: number;
  trend: number;
  /** season[t mod 7] is the seasonal effect of day t. */
  season: number[];
}

const ALPHAS = [0.05, 0.1, 0.2, 0.3, 0.5];
/** beta as a share of alpha: a trend that moves much less than the level, as on real spend. */
const BETA_SHARES = [0, 0.05, 0.15];
const GAMMAS = [0, 0.05, 0.1, 0.2, 0.3];
/**
 * Damping, including none: with at most 0.98 steady growth came out 3-4 % low over a month. An undamped trend that
 * overshoots on noisy spend shows in the backtest, where auto can reject the method.
 */
const PHIS = [0.9, 0.98, 1];

/** The least history the initialisation needs: two full weeks. */
export const HW_MIN_HISTORY = 2 * SEASON;

/**
 * Initial state from the first two to four whole weeks: the trend is the slope of the weekly means, the level is
 * their mean continued back to the day before the first, and each weekday's effect is its mean deviation from
 * that line (so the effects sum to zero).
 */
function initialState(y: readonly number[]): HwState {
  const weeks = Math.min(4, Math.floor(y.length / SEASON));
  const days = weeks * SEASON;
  const weekMeans = Array.from({ length: weeks }, (_, k) => mean(y.slice(k * SEASON, (k + 1) * SEASON)));
  const trend =
    leastSquares(
      weekMeans.map((_, k) => k),
      weekMeans,
    ).slope / SEASON;
  const centre = (days - 1) / 2;
  const avg = mean(y.slice(0, days));
  const season = Array.from({ length: SEASON }, (_, j) => {
    let dev = 0;
    for (let k = 0; k < weeks; k++) {
      const t = k * SEASON + j;
      dev += y[t]! - (avg + trend * (t - centre));
    }
    return dev / weeks;
  });
  return { level: avg + trend * (-1 - centre), trend, season };
}

/** Runs the filter over the history; returns the one-step SSE and the state after the last day. */
function filter(y: readonly number[], p: HwParams, start: HwState): { sse: number; state: HwState } {
  let { level, trend } = start;
  const season = [...start.season];
  let sse = 0;
  for (let t = 0; t < y.length; t++) {
    const j = t % SEASON;
    const base = level + p.phi * trend;
    const err = y[t]! - (base + season[j]!);
    sse += err * err;
    level = base + p.alpha * err;
    trend = p.phi * trend + p.beta * err;
    season[j] = season[j]! + p.gamma * err;
  }
  return { sse, state: { level, trend, season } };
}

/** The grid point with the least one-step SSE; the first (smallest parameters) on a tie. */
export function fitHoltWinters(y: readonly number[]): { params: HwParams; state: HwState } {
  const start = initialState(y);
  let best: { params: HwParams; state: HwState; sse: number } | undefined;
  for (const alpha of ALPHAS)
    for (const share of BETA_SHARES)
      for (const gamma of GAMMAS) {
        if (gamma > 1 - alpha) continue;
        for (const phi of PHIS) {
          const params = { alpha, beta: alpha * share, gamma, phi };
          const run = filter(y, params, start);
          if (!best || run.sse < best.sse) best = { params, ...run };
        }
      }
  return { params: best!.params, state: best!.state };
}

/** Point forecasts for the `horizon` days after the history (not clamped). */
export function holtWinters(y: readonly number[], horizon: number): number[] {
  const { params, state } = fitHoltWinters(y);
  const out: number[] = [];
  let damped = 0;
  for (let h = 1; h <= horizon; h++) {
    damped += params.phi ** h;
    out.push(state.level + damped * state.trend + state.season[(y.length - 1 + h) % SEASON]!);
  }
  return out;
}

// Which method a forecast uses, and the notes that say why (docs/forecast.md#the-choice).
import { MIN_BACKTEST_HISTORY } from './backtest.js';
import { MIN_MODEL_HISTORY, RUN_RATE_DAYS } from './methods.js';
import { type ErrorMetric, METHODS, type Method, type MethodScore } from './types.js';

/**
 * A more complex method must beat a simpler one by more than this share of the simpler one's error: a difference
 * of a percent or two is within the noise of a few weeks of backtest, and the simpler method fails more gently.
 */
export const TIE_MARGIN = 0.05;

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

/** The simplest method within TIE_MARGIN of the best error; null when no method could be scored. */
export function pickByError(scores: readonly MethodScore[]): MethodScore | null {
  let best: MethodScore | null = null;
  for (const method of METHODS) {
    const s = scores.find((c) => c.method === method);
    if (s?.error == null) continue;
    if (best?.error == null || s.error < best.error * (1 - TIE_MARGIN)) best = s;
  }
  return best;
}

function shortHistory(n: number, requested: Method | 'auto'): string {
  if (n === 0) return 'No history: the forecast is 0.';
  const asked = requested === 'run-rate' ? 'run-rate' : `${requested} falls back to run-rate, which`;
  if (n < RUN_RATE_DAYS)
    return `Only ${n} day${n === 1 ? '' : 's'} of history (fewer than ${RUN_RATE_DAYS}): ${asked} averages the ${n} there are.`;
  return `Only ${n} days of history (fewer than ${MIN_MODEL_HISTORY}): ${asked} averages the last ${RUN_RATE_DAYS} days.`;
}

/** The method to forecast with, and a note for every choice the caller did not make explicitly. */
export function chooseMethod(
  n: number,
  requested: Method | 'auto',
  scores: readonly MethodScore[],
  metric: ErrorMetric,
): { method: Method; notes: string[] } {
  if (n < MIN_MODEL_HISTORY) return { method: 'run-rate', notes: [shortHistory(n, requested)] };
  if (requested !== 'auto') return { method: requested, notes: [] };
  const best = pickByError(scores);
  if (!best) {
    const why =
      n < MIN_BACKTEST_HISTORY
        ? `Too little history to backtest (fewer than ${MIN_BACKTEST_HISTORY} days)`
        : 'The backtest days are all 0, so no error could be measured';
    return { method: 'run-rate', notes: [`${why}: auto uses run-rate.`] };
  }
  const all = scores.filter((s) => s.error != null).map((s) => `${s.method} ${pct(s.error!)}`);
  const tie = `a method must beat a simpler one by more than ${TIE_MARGIN * 100} % of its error`;
  return {
    method: best.method,
    notes: [`auto chose ${best.method} by backtest ${metric.toUpperCase()} (${all.join(', ')}; ${tie}).`],
  };
}

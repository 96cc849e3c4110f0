// The forecasting engine (docs/forecast.md): a daily cost series in, P10/P50/P90 per day and for the horizon out.
// Pure: no DuckDB, no I/O, no clock. The caller resolves gaps (a day without spend is 0) and rounds at the boundary.
import { InputError, InternalError } from '../../errors.js';
import {
  backtestCoverage,
  backtestError,
  backtestWindows,
  chooseMetric,
  MIN_WINDOWS,
  planBacktest,
} from './backtest.js';
import { chooseMethod } from './choose.js';
import {
  type ErrorModel,
  type ErrorWindow,
  fallbackErrorModel,
  fitErrorModel,
  forecastDays,
  levelOf,
} from './intervals.js';
import { MIN_MODEL_HISTORY, pointForecast, RUN_RATE_DAYS } from './methods.js';
import {
  type ErrorMetric,
  type Forecast,
  type ForecastOptions,
  METHODS,
  type Method,
  type MethodScore,
} from './types.js';

export { type Exhaustion, type ExhaustionDay, exhaustion, type MonthEnd, monthEnd } from './projections.js';
export * from './types.js';

/** The longest horizon accepted: ten years of days. */
export const MAX_HORIZON = 3660;

function validate(history: readonly number[], opts: ForecastOptions): void {
  if (!Number.isInteger(opts.horizon) || opts.horizon < 1 || opts.horizon > MAX_HORIZON)
    throw new InputError(
      `forecast horizon must be a whole number of days from 1 to ${MAX_HORIZON}`,
      {},
      'e.g. 30',
    );
  if (opts.method !== 'auto' && !METHODS.includes(opts.method))
    throw new InputError(
      `unknown forecast method '${opts.method}'`,
      {},
      `one of auto, ${METHODS.join(', ')}`,
    );
  const bad = history.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new InternalError(`forecast: history day ${bad + 1} is ${history[bad]}, not a number`);
}

/** The error model for the chosen method's bands, and a note when it could not be learned from a backtest. */
function errorModel(
  history: readonly number[],
  windows: readonly ErrorWindow[],
): [ErrorModel, number, string[]] {
  if (windows.filter((w) => w.level > 0).length >= MIN_WINDOWS)
    return [fitErrorModel(windows), levelOf(history), []];
  const note =
    history.length === 0
      ? []
      : [
          'Intervals assume independent days around the recent mean (too little history to learn them from a ' +
            'backtest): treat them as rough.',
        ];
  return [fallbackErrorModel(history, RUN_RATE_DAYS), 1, note];
}

/**
 * Forecast a daily series (oldest first, one number per UTC day) for `opts.horizon` days. Every method is
 * backtested on the most recent weeks; `auto` takes the lowest error, preferring the simpler method on a near tie.
 * Below 14 days of history every method falls back to run-rate, with a note.
 *
 * @throws InputError for a horizon that is not a whole number from 1 to MAX_HORIZON, or an unknown method.
 * @throws InternalError when a history day is not a finite number (the caller resolves gaps to 0).
 */
export function forecast(history: readonly number[], opts: ForecastOptions): Forecast {
  validate(history, opts);
  const n = history.length;
  const plan = planBacktest(n);
  const usable = n >= MIN_MODEL_HISTORY ? METHODS : (['run-rate'] as const);
  const windows = new Map<Method, ErrorWindow[]>(usable.map((m) => [m, backtestWindows(m, history, plan)]));
  const metric = chooseMetric(windows.get('run-rate') ?? []);
  const candidates: MethodScore[] = METHODS.map((method) => {
    const w = windows.get(method) ?? [];
    return { method, error: backtestError(w, metric), coverage: backtestCoverage(w, plan.lead) };
  });
  const chosen = chooseMethod(n, opts.method, candidates, metric);
  const own = windows.get(chosen.method) ?? [];
  const [model, level, modelNotes] = errorModel(history, own);
  const days = forecastDays(pointForecast(chosen.method, history, opts.horizon), model, level);
  const score = candidates.find((c) => c.method === chosen.method)!;
  return {
    method: chosen.method,
    requested: opts.method,
    historyDays: n,
    horizonDays: opts.horizon,
    days,
    total: days[days.length - 1]!.cumulative,
    backtest: { metric, error: score.error, coverage: score.coverage, origins: own.length, lead: plan.lead },
    candidates,
    notes: [...chosen.notes, ...modelNotes, ...dataNotes(history, metric, own.length > 0)],
  };
}

/** Notes about the data itself: credits in the history, and why the error is WAPE. */
function dataNotes(history: readonly number[], metric: ErrorMetric, backtested: boolean): string[] {
  const notes: string[] = [];
  const negative = history.filter((v) => v < 0).length;
  if (negative > 0)
    notes.push(
      `${negative} history day${negative === 1 ? ' is' : 's are'} negative (credits?); forecasts are clamped at 0.`,
    );
  if (backtested && metric === 'wape')
    notes.push(
      'Some backtest days are 0 or under a tenth of the mean day, where MAPE is undefined or ruled by those days: ' +
        'backtest errors are WAPE (sum of absolute errors / sum of actuals).',
    );
  return notes;
}

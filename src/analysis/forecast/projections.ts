// What the forecast commands derive from a forecast: the month-end total and the day a balance runs out
// (docs/forecast.md#month-end-and-exhaustion). Both read the cumulative quantiles, which are quantiles of the running
// total itself, not sums of daily quantiles (those would overstate the spread).
import { InputError, InternalError } from '../../errors.js';
import type { Forecast, Quantiles } from './types.js';

export interface MonthEnd extends Quantiles {
  /** The month-to-date actual the projection starts from. */
  actual: number;
  /** Days of the month still to come, forecast. */
  remainingDays: number;
}

/**
 * The month's projected total: the month-to-date actual plus the forecast's cumulative quantiles over the days
 * still to come. With no days remaining the month is over and every quantile is the actual.
 *
 * @param monthToDate the actual cost of the month through the forecast's last history day.
 * @param remainingDays whole days after that until the month ends (0 on its last day); at most the horizon.
 * @throws InternalError when remainingDays is negative, fractional, or beyond the forecast's horizon.
 */
export function monthEnd(monthToDate: number, fc: Forecast, remainingDays: number): MonthEnd {
  if (!Number.isInteger(remainingDays) || remainingDays < 0 || remainingDays > fc.horizonDays)
    throw new InternalError(
      `monthEnd: ${remainingDays} remaining days needs a forecast horizon of at least that (have ${fc.horizonDays})`,
    );
  const rest = remainingDays === 0 ? { p10: 0, p50: 0, p90: 0 } : fc.days[remainingDays - 1]!.cumulative;
  return {
    actual: monthToDate,
    remainingDays,
    p10: monthToDate + rest.p10,
    p50: monthToDate + rest.p50,
    p90: monthToDate + rest.p90,
  };
}

export interface ExhaustionDay {
  /** Days after the last history day: 1 is the next day; 0 means the balance is already used up. */
  offset: number;
  /** The UTC date (YYYY-MM-DD) when `lastDay` was given, else null. */
  date: string | null;
}

export interface Exhaustion {
  balance: number;
  /** The median exhaustion day: the first whose cumulative P50 burn reaches the balance. */
  p50: ExhaustionDay | null;
  /** The early day (one chance in ten of running out by then): the cumulative P90 burn reaches the balance. */
  p10: ExhaustionDay | null;
  /** The late day (nine chances in ten of running out by then): the cumulative P10 burn reaches the balance. */
  p90: ExhaustionDay | null;
  notes: string[];
}

export interface ExhaustionOptions {
  /** The last history day (YYYY-MM-DD, UTC), to turn offsets into dates. */
  lastDay?: string;
  /** Days after the last history day the balance stays usable (a commitment's end); a later day is null. */
  validDays?: number;
}

/** Tolerance for "reaches": a running sum of decimals lands a hair under the balance it equals on paper. */
const REACH = 1 - 1e-9;

function addDays(lastDay: string, offset: number): string {
  const t = Date.parse(`${lastDay}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(lastDay) || Number.isNaN(t))
    throw new InternalError(`exhaustion: lastDay '${lastDay}' is not a YYYY-MM-DD date`);
  return new Date(t + offset * 86_400_000).toISOString().slice(0, 10);
}

/**
 * When a balance (money or units, in the unit of the forecast burn series) runs out, from the forecast of its
 * daily burn. The balance is what is left at the end of the last history day. A day is null when the cumulative
 * burn does not reach the balance within the horizon (or within `validDays`).
 *
 * @throws InputError when the balance is not a finite number.
 */
export function exhaustion(balance: number, fc: Forecast, opts: ExhaustionOptions = {}): Exhaustion {
  if (!Number.isFinite(balance)) throw new InputError(`balance must be a number, got ${balance}`);
  const day = (offset: number): ExhaustionDay => ({
    offset,
    date: opts.lastDay === undefined ? null : addDays(opts.lastDay, offset),
  });
  if (balance <= 0)
    return { balance, p50: day(0), p10: day(0), p90: day(0), notes: ['The balance is already used up.'] };
  const limit = Math.min(fc.horizonDays, opts.validDays ?? Number.POSITIVE_INFINITY);
  const first = (q: keyof Quantiles): ExhaustionDay | null => {
    const d = fc.days.find((x) => x.offset <= limit && x.cumulative[q] >= balance * REACH);
    return d ? day(d.offset) : null;
  };
  const result = { balance, p50: first('p50'), p10: first('p90'), p90: first('p10'), notes: [] as string[] };
  if (result.p50 === null) {
    const within =
      limit < fc.horizonDays ? `the ${limit} days the balance is valid` : `the ${limit}-day horizon`;
    result.notes.push(`The median forecast burn does not use up the balance within ${within}.`);
  }
  return result;
}

// The detector's options, checked at the library boundary: a malformed day or a negative limit is an InputError
// (exit 2) before the data home is read. Defaults live here, once; docs/anomalies.md says why each is what it is.
import { InputError } from '../../errors.js';
import { checkKeys } from '../allocate/keys.js';
import type { AnomalyOptions } from './types.js';

/** Every option with its default applied; `since`/`until` stay open until the data says where it ends. */
export interface Settings {
  by: string | null;
  since: string | null;
  until: string | null;
  weeks: number;
  minWeeks: number;
  k: number;
  absolute: number;
  relative: number;
  runawayTokens: number;
  runawayTop: number;
  wowIncrease: number;
  wowMinRequests: number;
}

export const DEFAULTS = {
  weeks: 8,
  minWeeks: 4,
  k: 3.5,
  absolute: 5,
  relative: 0.5,
  runawayTokens: 50_000,
  runawayTop: 5,
  wowIncrease: 0.25,
  wowMinRequests: 100,
} as const;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** True for a real calendar day written `YYYY-MM-DD` (2025-02-30 is not one). */
export function isDay(s: string): boolean {
  if (!DAY.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** `day` plus `n` days (negative goes back), as `YYYY-MM-DD`. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function day(name: string, v: string | undefined): string | null {
  if (v === undefined) return null;
  if (!isDay(v)) throw new InputError(`--${name} must be a day YYYY-MM-DD, got "${v}"`);
  return v;
}

/** The SQL casts the options meet (DECIMAL(9,4) for k, DECIMAL(18,6) for relative) bound what is accepted. */
const MAX = 1e12;

function num(
  name: string,
  v: number | undefined,
  dflt: number,
  opts: { integer?: boolean; min: number; max?: number },
): number {
  if (v === undefined) return dflt;
  const max = opts.max ?? MAX;
  if (
    typeof v !== 'number' ||
    !Number.isFinite(v) ||
    v < opts.min ||
    v > max ||
    (opts.integer && !Number.isInteger(v))
  )
    throw new InputError(
      `${name} must be ${opts.integer ? 'a whole number' : 'a number'} from ${opts.min} to ${max}, got ${v}`,
    );
  return v;
}

/** Applies defaults and throws an InputError naming the first bad option. */
export function checkOptions(opts: AnomalyOptions): Settings {
  if (opts.by !== undefined && opts.by !== null) checkKeys([opts.by]);
  const since = day('since', opts.since);
  const until = day('until', opts.until);
  if (since && until && since > until) throw new InputError(`--since ${since} is after --until ${until}`);
  const weeks = num('weeks', opts.weeks, DEFAULTS.weeks, { integer: true, min: 1, max: 104 });
  const minWeeks = num('minWeeks', opts.minWeeks, Math.min(DEFAULTS.minWeeks, weeks), {
    integer: true,
    min: 1,
  });
  if (minWeeks > weeks) throw new InputError(`minWeeks (${minWeeks}) cannot exceed weeks (${weeks})`);
  return {
    by: opts.by ?? null,
    since,
    until,
    weeks,
    minWeeks,
    k: num('threshold', opts.threshold, DEFAULTS.k, { min: 0, max: 1000 }),
    absolute: num('minImpact.absolute', opts.minImpact?.absolute, DEFAULTS.absolute, { min: 0 }),
    relative: num('minImpact.relative', opts.minImpact?.relative, DEFAULTS.relative, { min: 0, max: 1e6 }),
    runawayTokens: num('runawayTokens', opts.runawayTokens, DEFAULTS.runawayTokens, {
      integer: true,
      min: 1,
    }),
    runawayTop: num('runawayTop', opts.runawayTop, DEFAULTS.runawayTop, { integer: true, min: 1 }),
    wowIncrease: num('wowIncrease', opts.wowIncrease, DEFAULTS.wowIncrease, { min: 0 }),
    wowMinRequests: num('wowMinRequests', opts.wowMinRequests, DEFAULTS.wowMinRequests, {
      integer: true,
      min: 1,
    }),
  };
}

/** The days a report covers: the reported window, the baseline history before it, and the two weeks compared. */
export interface Window {
  since: string;
  until: string;
  /** The first day any baseline reaches back to. */
  historyStart: string;
  /** The first day any detector reads: the earlier of historyStart and previousFrom. */
  dataFrom: string;
  /** The recent week [weekFrom, until] and the week before it [previousFrom, previousTo]. */
  weekFrom: string;
  previousFrom: string;
  previousTo: string;
}

/** The window for a settled `until` (the last usage day when not given). */
export function windowOf(s: Settings, lastDay: string): Window {
  const until = s.until ?? lastDay;
  const since = s.since ?? addDays(until, -6);
  if (since > until) throw new InputError(`--since ${since} is after the last day ${until}`);
  const historyStart = addDays(since, -7 * s.weeks);
  const previousFrom = addDays(until, -13);
  return {
    since,
    until,
    historyStart,
    dataFrom: [historyStart, previousFrom].sort()[0]!,
    weekFrom: addDays(until, -6),
    previousFrom,
    previousTo: addDays(until, -7),
  };
}

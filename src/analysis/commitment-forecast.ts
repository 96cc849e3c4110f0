// Per prepaid commitment (a credit or token bundle): its balance, derived from the stored rows
// (analysis/commitments.ts), and when it runs out at the forecast burn rate (analysis/forecast/). Units are the
// bundle's own (credits, tokens); the balance is exact, the dates are estimates with a P10-P90 range.
import { commitmentBalances } from './commitments.js';
import { exhaustion, forecast } from './forecast/index.js';

export interface CommitmentForecast {
  id: string;
  provider: string;
  unit: string;
  currency: string;
  status: 'pending' | 'active' | 'exhausted' | 'expired';
  purchased: string;
  burned: string;
  /** Exact, in the bundle's unit, as of `as_of`. */
  balance: string;
  valid_from: string;
  valid_to: string;
  as_of: string;
  /** Mean units per day over the last 7 days of burn. */
  burn_per_day: string | null;
  method: string | null;
  /** The day the balance runs out at the forecast burn (P50), with the early (P10) and late (P90) day; null when it
   * lasts past its validity (or there is no burn to forecast). */
  exhaustion: { p10: string | null; p50: string | null; p90: string | null };
  /** Units projected to be left unused when the commitment expires (P50), when it does not run out first. */
  unused_at_expiry: string | null;
  notes: string[];
}

const dayMs = 86_400_000;
const days = (a: string, b: string) =>
  Math.round((Date.parse(b.slice(0, 10)) - Date.parse(a.slice(0, 10))) / dayMs);

/** Balance and exhaustion of every commitment of the data home. */
export async function commitmentForecasts(home: string): Promise<CommitmentForecast[]> {
  const balances = await commitmentBalances(home);
  return balances.map((b) => {
    const base = {
      id: b.id,
      provider: b.provider,
      unit: b.unit,
      currency: b.currency,
      status: b.status,
      purchased: b.purchasedUnits,
      burned: b.burnedUnits,
      balance: b.balance,
      valid_from: b.validFrom,
      valid_to: b.validTo,
      as_of: b.asOf,
      burn_per_day: b.burnRate7d,
    };
    const history = b.series.map((s) => Number(s.units));
    const lastDay = b.series.at(-1)?.day;
    const left = days(lastDay ?? b.asOf, b.validTo) - 1;
    if (b.status !== 'active' || !lastDay || left < 1 || Number(b.balance) <= 0)
      return {
        ...base,
        method: null,
        exhaustion: { p10: null, p50: null, p90: null },
        unused_at_expiry: null,
        notes: [],
      };
    const fc = forecast(history, { horizon: Math.min(left, 3660), method: 'auto' });
    const ex = exhaustion(Number(b.balance), fc, { lastDay, validDays: left });
    const atExpiry = fc.days[Math.min(left, fc.days.length) - 1]?.cumulative.p50 ?? 0;
    const unused = ex.p50 ? null : Math.max(0, Number(b.balance) - atExpiry).toFixed(2);
    return {
      ...base,
      method: fc.method,
      exhaustion: { p10: ex.p10?.date ?? null, p50: ex.p50?.date ?? null, p90: ex.p90?.date ?? null },
      unused_at_expiry: unused,
      notes: [...fc.notes, ...ex.notes],
    };
  });
}

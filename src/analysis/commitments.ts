// Balances of prepaid commitments (docs/data-model.md#token-lifecycle), derived from the stored rows every time and
// never stored: units purchased (the Purchase row) minus units burned (PricingCurrencyEffectiveCost of the usage rows
// that burn it), with the daily burn series a forecast projects an exhaustion date from. Works alike for bundles of
// the commitments source (burn rows from ingest/burn.ts) and for a FOCUS input's Purchase and burn rows.
import { InputError } from '../errors.js';
import { divFixed, fromFixed18, toFixed18 } from '../prices/decimal.js';
import { lit, withDb } from '../store/duckdb.js';
import {
  BURNS_SQL,
  COMMITMENT_ROWS_SQL,
  commitmentsSql,
  DAILY_BURN_SQL,
  PURCHASES_SQL,
} from './commitments-sql.js';
import { attachViews } from './views.js';

export interface CommitmentBalance {
  /** The bundle id (the Purchase row's ResourceId, else its ContractApplied commitment id, else its row id). */
  id: string;
  /** `purchase`: a bundle of the commitments source; `focus`: a Purchase row carried over from a FOCUS input. */
  origin: 'purchase' | 'focus';
  provider: string;
  billingAccountId: string | null;
  /** The unit of the bundle (e.g. `Credit`, `Token`) and the billing currency it was paid in. */
  unit: string;
  currency: string;
  amountPaid: string;
  purchasedUnits: string;
  burnedUnits: string;
  /** purchasedUnits − burnedUnits; negative when the provider's data burns more than was bought. */
  balance: string;
  /** Validity window [validFrom, validTo), UTC. */
  validFrom: string;
  validTo: string;
  /** Burn counted before this time: the option given, else the end of the provider's latest usage charge. */
  asOf: string;
  status: 'pending' | 'active' | 'exhausted' | 'expired';
  /** UTC days from the first day of validity to the as-of time (or the end of validity, if earlier). */
  historyDays: number;
  /** Units per day over the last 7 and 30 days of history (fewer when the history is shorter); null without history. */
  burnRate7d: string | null;
  burnRate30d: string | null;
  /** Units burned per UTC day over the history, every day present (0 when nothing burned). */
  series: { day: string; units: string }[];
}

const DAY_MS = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The as-of option as a SQL TIMESTAMPTZ literal (or NULL); an unreadable time is an input error. */
function asOfSql(asOf: string | Date | undefined): string {
  if (asOf === undefined) return 'NULL';
  const ms = asOf instanceof Date ? asOf.getTime() : Date.parse(asOf);
  if (Number.isNaN(ms)) throw new InputError(`--as-of: not a date/time: ${String(asOf)}`);
  return `${lit(new Date(ms).toISOString())}::TIMESTAMPTZ`;
}

/** The dense daily series over [validFrom, end), from the per-day sums. */
function dailySeries(
  from: number,
  end: number,
  burns: Map<string, string>,
): { day: string; units: string }[] {
  const out: { day: string; units: string }[] = [];
  if (end <= from) return out;
  const first = Date.parse(dayOf(from));
  for (let d = first; d < end; d += DAY_MS) {
    const day = dayOf(d);
    out.push({ day, units: burns.get(day) ?? '0.000000000000000000' });
  }
  return out;
}

/** Mean units per day over the last `days` entries of the series (all of them when it is shorter). */
function trailingRate(series: { units: string }[], days: number): string | null {
  const tail = series.slice(-days);
  if (tail.length === 0) return null;
  const sum = tail.reduce((s, x) => s + toFixed18(x.units), 0n);
  return fromFixed18(divFixed(sum, BigInt(tail.length) * toFixed18('1')));
}

type Row = Record<string, string | null>;

function balanceOf(c: Row, burns: Map<string, string>): CommitmentBalance {
  const [from, to, asOf] = [Date.parse(c.valid_from!), Date.parse(c.valid_to!), Date.parse(c.as_of!)];
  const series = dailySeries(from, Math.min(asOf, to), burns);
  const burned = [...burns.values()].reduce((s, u) => s + toFixed18(u), 0n);
  const balance = toFixed18(c.units!) - burned;
  const status = asOf < from ? 'pending' : balance <= 0n ? 'exhausted' : asOf >= to ? 'expired' : 'active';
  return {
    id: c.id!,
    origin: c.cost_source === 'purchase' ? 'purchase' : 'focus',
    provider: c.provider_name ?? '',
    billingAccountId: c.account ?? null,
    unit: c.unit!,
    currency: c.currency ?? '',
    amountPaid: c.amount!,
    purchasedUnits: c.units!,
    burnedUnits: fromFixed18(burned),
    balance: fromFixed18(balance),
    validFrom: c.valid_from!,
    validTo: c.valid_to!,
    asOf: c.as_of!,
    status,
    historyDays: series.length,
    burnRate7d: trailingRate(series, 7),
    burnRate30d: trailingRate(series, 30),
    series,
  };
}

/**
 * Every prepaid commitment of the data home with its balance as of `asOf` (default: how far each provider's usage
 * data reaches). Exact decimal strings throughout; nothing is written.
 */
export async function commitmentBalances(home: string, asOf?: string | Date): Promise<CommitmentBalance[]> {
  const at = asOfSql(asOf);
  return withDb({}, async (db) => {
    await attachViews(db, home);
    await db.run(PURCHASES_SQL);
    await db.run(BURNS_SQL);
    await db.run(commitmentsSql(at));
    const commitments = await db.all<Row>(COMMITMENT_ROWS_SQL);
    const daily = await db.all<Row>(DAILY_BURN_SQL);
    const byId = new Map<string, Map<string, string>>();
    for (const d of daily) {
      const m = byId.get(d.id!) ?? new Map<string, string>();
      m.set(d.day!, d.units!);
      byId.set(d.id!, m);
    }
    return commitments.map((c) => balanceOf(c, byId.get(c.id!) ?? new Map()));
  });
}

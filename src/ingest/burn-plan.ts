// Which prepaid bundle pays for which cost-report row, and how much of it (docs/data-model.md#token-lifecycle). Pure
// arithmetic, exact at the stored scale (prices/decimal.ts): the rows of the data home and the bundles in, the draws
// out. The result depends only on those sets, never on the order they were ingested in: rows are taken in charge
// time order (then by row id), bundles in the order they expire.
import { mulDiv, toFixed18 } from '../prices/decimal.js';

export interface Bundle {
  id: string;
  /** aicost's provider id (prices/names.ts) and the billing currency it is paid in. */
  provider: string;
  currency: string;
  /** Validity window [from, to), as epoch microseconds. */
  from: bigint;
  to: bigint;
  unit: string;
  /** Purchased units and the amount paid, as decimal strings. */
  units: string;
  amount: string;
}

export interface CostRow {
  rid: string;
  provider: string;
  currency: string;
  /** ChargePeriodStart, epoch microseconds. */
  start: bigint;
  /** The charge's cost (EffectiveCost, which burn never changes) and its unit prices, as decimal strings. */
  cost: string;
  listPrice: string | null;
  contractedPrice: string | null;
}

/** What one row draws from one bundle: units of the bundle, the cost they pay, unit prices in the bundle's unit. */
export interface Draw {
  rid: string;
  bundle: string;
  unit: string;
  units: bigint;
  cost: bigint;
  listPrice: bigint | null;
  contractedPrice: bigint | null;
}

interface Open extends Bundle {
  u: bigint;
  a: bigint;
  balance: bigint;
}

const byExpiry = (x: Bundle, y: Bundle) =>
  x.to !== y.to
    ? x.to < y.to
      ? -1
      : 1
    : x.from !== y.from
      ? x.from < y.from
        ? -1
        : 1
      : x.id < y.id
        ? -1
        : 1;

/**
 * Draws for `rows` (sorted by start, then rid) against `bundles`. A row draws from the first bundle, in expiry order,
 * that covers it (same provider and currency, start inside the window) and still has units. Units drawn = cost ×
 * units ÷ amount paid, rounded half away from zero to 18 decimals. A row that needs more than the balance draws the
 * balance and the rest of its cost stays billed; it never draws from a second bundle (one ContractApplied element
 * per row, whose figures PricingCurrencyEffectiveCost keeps exactly). Rows with a cost of zero or less draw nothing.
 */
export function planBurn(bundles: Bundle[], rows: CostRow[]): Draw[] {
  const open: Open[] = [...bundles].sort(byExpiry).map((b) => {
    const u = toFixed18(b.units);
    return { ...b, u, a: toFixed18(b.amount), balance: u };
  });
  const draws: Draw[] = [];
  for (const r of rows) {
    const cost = toFixed18(r.cost);
    if (cost <= 0n) continue;
    const b = open.find(
      (x) =>
        x.balance > 0n &&
        x.provider === r.provider &&
        x.currency === r.currency &&
        r.start >= x.from &&
        r.start < x.to,
    );
    if (!b) continue;
    const need = mulDiv(cost, b.u, b.a);
    const covered = need <= b.balance;
    const units = covered ? need : b.balance;
    // units < need here, so the rounded cost of the balance is at most the row's cost
    const paid = covered ? cost : mulDiv(units, b.a, b.u);
    b.balance -= units;
    const inUnit = (p: string | null) => (p === null ? null : mulDiv(toFixed18(p), b.u, b.a));
    draws.push({
      rid: r.rid,
      bundle: b.id,
      unit: b.unit,
      units,
      cost: paid,
      listPrice: inUnit(r.listPrice),
      contractedPrice: inUnit(r.contractedPrice),
    });
  }
  return draws;
}

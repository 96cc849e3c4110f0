// Budgets as code (README.md#config-file): each budget's actual spend over its current period, the forecast at the
// period's end, and the threshold state. Actual is exact (DECIMAL SUM of EffectiveCost in `attributed`, by charge
// start day); the projection adds the forecast of the remaining days (analysis/forecast/).
import type { Budget } from '../config.js';
import { withDb } from '../store/duckdb.js';
import { forecast } from './forecast/index.js';
import { dailySeries, exactSpend, periodOf, resolveCurrency, type Scope } from './series.js';
import { attachViews } from './views.js';

export interface BudgetStatus {
  name: string;
  period: Budget['period'];
  /** The period containing `as_of`: first day, and the first day after it. */
  from: string;
  to: string;
  currency: string | null;
  scope: Scope;
  amount: string;
  /** Exact spend from the period's start through `as_of` (decimal string). */
  actual: string;
  actual_pct: number;
  /** Projected spend at the period's end (actual + forecast of the remaining days), decimal strings. */
  forecast: { p10: string; p50: string; p90: string; method: string } | null;
  forecast_pct: number | null;
  /** The highest threshold (percent) the actual spend has reached, if any. */
  threshold: number | null;
  /** ok: below every threshold; warning: a threshold reached below fail_at; failing: at or past fail_at. */
  state: 'ok' | 'warning' | 'failing';
  /** on-track; at-risk: P90 of the projection reaches the amount; projected-over: P50 does. */
  outlook: 'on-track' | 'at-risk' | 'projected-over' | 'unknown';
  fail_at: number;
  notes: string[];
}

export interface BudgetsReport {
  schema: 'aicost.budgets/1';
  as_of: string;
  budgets: BudgetStatus[];
}

const day = (d: Date) => d.toISOString().slice(0, 10);

const daysBetween = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);

/** Percent of `amount` that `value` is, to two decimals (for display and thresholds; the amounts stay exact). */
const pct = (value: string, amount: string) => Math.round((Number(value) / Number(amount)) * 10_000) / 100;

function thresholdState(b: Budget, actualPct: number): Pick<BudgetStatus, 'threshold' | 'state'> {
  const reached = b.thresholds.filter((t) => actualPct >= t);
  const threshold = reached.length ? reached[reached.length - 1]! : null;
  const state = actualPct >= b.fail_at ? 'failing' : threshold !== null ? 'warning' : 'ok';
  return { threshold, state };
}

/** Evaluates every budget as of a day (default: the last day the data covers). */
export async function evaluateBudgets(
  home: string,
  budgets: Budget[],
  asOf?: string,
): Promise<BudgetsReport> {
  return withDb({}, async (db) => {
    await attachViews(db, home);
    const last = await db.one<{ d: string | null }>(
      `SELECT strftime(max(CAST("ChargePeriodStart" AS DATE)), '%Y-%m-%d') AS d FROM attributed WHERE "ChargeCategory" = 'Usage'`,
    );
    const on = asOf ?? last?.d ?? day(new Date());
    const out: BudgetStatus[] = [];
    for (const b of budgets) out.push(await evaluate(db, b, on));
    return { schema: 'aicost.budgets/1', as_of: on, budgets: out };
  });
}

async function evaluate(
  db: Parameters<typeof dailySeries>[0],
  b: Budget,
  asOf: string,
): Promise<BudgetStatus> {
  const currency = await resolveCurrency(db, b.currency, `budget "${b.name}"`);
  const { from, to } = periodOf(b.period, asOf);
  const series = await dailySeries(db, { scope: b.scope, currency });
  const actual = await exactSpend(db, b.scope, currency, from, asOf);
  const notes: string[] = [];
  const total = series.invoiced[0];
  let projection: BudgetStatus['forecast'] = null;
  const remaining = daysBetween(asOf, to) - 1;
  if (total && remaining >= 0) {
    const end = total.values.length - 1 - Math.max(0, daysBetween(asOf, total.to));
    const history = total.values.slice(0, end + 1).map((v) => v ?? 0);
    const f = forecast(history, { horizon: Math.max(remaining, 1), method: 'auto' });
    const add = (x: number) => (remaining === 0 ? 0 : x);
    const plus = (x: number) => (Number(actual) + add(x)).toFixed(2);
    projection = { p10: plus(f.total.p10), p50: plus(f.total.p50), p90: plus(f.total.p90), method: f.method };
    notes.push(...f.notes);
  } else notes.push('no invoiced spend to project from');
  const actualPct = pct(actual, b.amount);
  const forecastPct = projection ? pct(projection.p50, b.amount) : null;
  const outlook = !projection
    ? 'unknown'
    : Number(projection.p50) >= Number(b.amount)
      ? 'projected-over'
      : Number(projection.p90) >= Number(b.amount)
        ? 'at-risk'
        : 'on-track';
  return {
    name: b.name,
    period: b.period,
    from,
    to,
    currency,
    scope: b.scope,
    amount: b.amount,
    actual,
    actual_pct: actualPct,
    forecast: projection,
    forecast_pct: forecastPct,
    ...thresholdState(b, actualPct),
    outlook,
    fail_at: b.fail_at,
    notes,
  };
}

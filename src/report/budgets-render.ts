// Budgets as a terminal table (the JSON is the report model itself: analysis/budgets.ts). Money is rounded to the
// budget currency's minor unit here only; the JSON keeps the exact figures.
import type { BudgetsReport } from '../analysis/budgets.js';
import { money } from './format.js';
import { output } from './output.js';
import { renderTable } from './table.js';

const STATE = { ok: 'ok', warning: 'warning', failing: 'FAILING' } as const;

export function budgetsTable(r: BudgetsReport): string {
  const c = output.colour;
  const rows = r.budgets.map((b) => {
    const state =
      b.state === 'failing'
        ? c.red(STATE[b.state])
        : b.state === 'warning'
          ? c.yellow(STATE[b.state])
          : STATE[b.state];
    const scope = Object.entries(b.scope)
      .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('|') : v}`)
      .join(' ');
    const cur = b.currency;
    return [
      b.name,
      scope || 'all',
      `${b.from} .. ${b.to}`,
      money(b.amount, cur),
      `${money(b.actual, cur)} (${b.actual_pct}%)`,
      b.forecast
        ? `${money(b.forecast.p50, cur)} (${b.forecast_pct}%) [${money(b.forecast.p10, cur, { code: false })}-${money(b.forecast.p90, cur, { code: false })}]`
        : 'n/a',
      b.threshold === null ? '-' : `${b.threshold}%`,
      state,
      b.outlook,
    ];
  });
  const head = [
    'budget',
    'scope',
    'period',
    'amount',
    'actual',
    'forecast at period end P50 [P10-P90]',
    'threshold',
    'state',
    'outlook',
  ];
  return renderTable(head, rows, { title: `Budgets as of ${r.as_of}` });
}

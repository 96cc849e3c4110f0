// Budgets as a terminal table (the JSON is the report model itself: analysis/budgets.ts).
import type { BudgetsReport } from '../analysis/budgets.js';
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
    return [
      b.name,
      scope || 'all',
      `${b.from} .. ${b.to}`,
      `${b.amount} ${b.currency ?? ''}`.trim(),
      `${Number(b.actual).toFixed(2)} (${b.actual_pct}%)`,
      b.forecast ? `${b.forecast.p50} (${b.forecast_pct}%) [${b.forecast.p10}-${b.forecast.p90}]` : 'n/a',
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
  return `Budgets as of ${r.as_of}\n${renderTable(head, rows)}`;
}

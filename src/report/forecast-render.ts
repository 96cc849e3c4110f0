// The forecast as terminal tables (the JSON is the report model itself: analysis/forecast-run.ts). Money rounds to
// the currency's minor unit and commitment units are grouped here only; the JSON keeps the exact figures.
import type { ForecastReport, SeriesForecast } from '../analysis/forecast-run.js';
import { count, money, percent, quantity, roundDecimal } from './format.js';
import { renderTable } from './table.js';

const pct = (x: number | null) => (x === null ? 'n/a' : percent(x));

/** P50 with its P10-P90 interval; the code once, after the interval. */
const interval = (p: { p10: string; p50: string; p90: string }, cur: string | null) => {
  const m = (x: string) => money(x, cur, { code: false });
  return `${m(p.p50)} [${m(p.p10)}-${m(p.p90)}]${cur ? ` ${cur}` : ''}`;
};

function rows(list: SeriesForecast[], currency: string | null): string[][] {
  return list.map((s) => [
    s.key ?? 'total',
    s.method,
    count(s.history_days),
    interval(s, currency),
    `${s.month_end.month}: ${interval(s.month_end, currency)}`,
    `${s.backtest.metric} ${pct(s.backtest.mape)}`,
    pct(s.backtest.coverage),
  ]);
}

export function forecastTable(r: ForecastReport): string {
  const head = [
    'series',
    'method',
    'history days',
    `next ${r.horizon_days} days P50 [P10-P90]`,
    'month end P50 [P10-P90]',
    'backtest error',
    'P10-P90 coverage',
  ];
  const title = `Forecast of invoiced cost${r.by ? ` by ${r.by}` : ''} (${r.currency ?? 'no currency'})`;
  const out = [
    r.series.length
      ? renderTable(head, rows(r.series, r.currency), { title })
      : `${title}\nNo invoiced cost.`,
  ];
  if (r.estimated.length) {
    // the price book is in USD
    const estimated = 'Estimated usage not invoiced yet (price-book cost in USD, not added to the above)';
    out.push('', renderTable(head, rows(r.estimated, 'USD'), { title: estimated }));
  }
  if (r.commitments.length) {
    out.push(
      '',
      renderTable(
        [
          'commitment',
          'provider',
          'balance',
          'burn/day (7d)',
          'valid to',
          'runs out P50 [P10-P90]',
          'unused at expiry',
        ],
        r.commitments.map((c) => [
          c.id,
          c.provider,
          quantity(c.balance, c.unit),
          c.burn_per_day === null ? '-' : count(roundDecimal(c.burn_per_day, 2)),
          c.valid_to.slice(0, 10),
          c.status !== 'active'
            ? c.status
            : c.exhaustion.p50
              ? `${c.exhaustion.p50} [${c.exhaustion.p10 ?? '?'} .. ${c.exhaustion.p90 ?? 'later'}]`
              : 'lasts past expiry',
          c.unused_at_expiry === null ? '-' : count(c.unused_at_expiry),
        ]),
        { title: 'Prepaid commitments' },
      ),
    );
  }
  const notes = [
    ...r.notes,
    ...[...r.series, ...r.estimated].flatMap((s) => s.notes.map((n) => `${s.key ?? 'total'}: ${n}`)),
  ];
  for (const g of r.gaps)
    notes.push(`gap: ${g.from}${g.to !== g.from ? ` .. ${g.to}` : ''} (no input covers it)`);
  if (notes.length) out.push('', ...[...new Set(notes)].map((n) => `note: ${n}`));
  return out.join('\n');
}

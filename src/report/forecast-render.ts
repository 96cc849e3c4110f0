// The forecast as terminal tables (the JSON is the report model itself: analysis/forecast-run.ts).
import type { ForecastReport, SeriesForecast } from '../analysis/forecast-run.js';
import { renderTable } from './table.js';

/** A decimal string without trailing zeros (units are exact; the table needs no 18 decimals). */
const trim = (x: string) => (x.includes('.') ? x.replace(/\.?0+$/, '') : x);

const pct = (x: number | null) => (x === null ? 'n/a' : `${Math.round(x * 1000) / 10}%`);

function rows(list: SeriesForecast[]): string[][] {
  return list.map((s) => [
    s.key ?? 'total',
    s.method,
    String(s.history_days),
    `${s.p50} [${s.p10}-${s.p90}]`,
    `${s.month_end.month}: ${s.month_end.p50} [${s.month_end.p10}-${s.month_end.p90}]`,
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
  const out = [`Forecast (${r.currency ?? 'no currency'}), invoiced cost${r.by ? ` by ${r.by}` : ''}`];
  out.push(r.series.length ? renderTable(head, rows(r.series)) : 'No invoiced cost.');
  if (r.estimated.length) {
    out.push('', 'Estimated usage not invoiced yet (price-book cost, not added to the above)');
    out.push(renderTable(head, rows(r.estimated)));
  }
  if (r.commitments.length) {
    out.push('', 'Prepaid commitments');
    out.push(
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
          `${trim(c.balance)} ${c.unit}`,
          c.burn_per_day === null ? '-' : trim(Number(c.burn_per_day).toFixed(2)),
          c.valid_to.slice(0, 10),
          c.status !== 'active'
            ? c.status
            : c.exhaustion.p50
              ? `${c.exhaustion.p50} [${c.exhaustion.p10 ?? '?'} .. ${c.exhaustion.p90 ?? 'later'}]`
              : 'lasts past expiry',
          c.unused_at_expiry ?? '-',
        ]),
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

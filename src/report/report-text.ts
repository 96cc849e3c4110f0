// The report for a terminal (titled tables) and as CSV (one row per figure, formula-injection safe). Pure functions
// of the report model; the JSON rendering is the model itself.
import type { Report } from './model.js';
import { renderCsv, renderTable } from './table.js';

const money = (v: string | null | undefined) => (v === null || v === undefined ? '-' : Number(v).toFixed(2));
const pct = (v: number | null | undefined) =>
  v === null || v === undefined ? '-' : `${v > 0 ? '+' : ''}${v}%`;
const share = (v: number | null | undefined) =>
  v === null || v === undefined ? '-' : `${Math.round(v * 1000) / 10}%`;

export function renderReportTable(r: Report): string {
  const out = [`AI spend report ${r.period.label}${r.compare ? ` vs ${r.compare.label}` : ''}`];
  out.push(
    renderTable(
      ['currency', 'total', 'month to date', 'previous', 'change', 'unallocated'],
      r.currencies.map((c) => [
        c.currency,
        money(c.total),
        `${money(c.month_to_date.cost)} (${c.month_to_date.month})`,
        money(c.previous),
        pct(c.change_pct),
        share(c.unallocated_share),
      ]),
    ),
  );
  out.push(`estimated usage not invoiced yet: ${money(r.estimated.total)} ${r.estimated.currency}`);
  for (const c of r.currencies)
    for (const b of c.breakdowns) {
      out.push('', `By ${b.dimension} (${c.currency})`);
      const rows = b.lines.map((l) => [
        l.key,
        money(l.cost),
        share(l.share),
        money(l.previous),
        pct(l.change_pct),
      ]);
      if (b.others) rows.push([`(${b.others.count} more)`, money(b.others.cost), '', '', '']);
      out.push(renderTable([b.dimension, 'cost', 'share', 'previous', 'change'], rows));
    }
  for (const f of r.forecast)
    out.push(
      '',
      `Forecast ${f.currency ?? ''} (${f.method}): month end ${f.month_end.month} ${f.month_end.p50} [${f.month_end.p10}-${f.month_end.p90}]`,
    );
  const u = r.unit_economics;
  out.push(
    '',
    `Unit economics${u.currency ? ` (${u.currency})` : ''}`,
    renderTable(
      ['requests', 'traces', 'users', 'tokens', 'per request', 'per 1K tokens', 'cache hit'],
      [
        [
          String(u.requests),
          String(u.traces),
          String(u.users),
          String(u.tokens),
          money(u.cost_per_request),
          money(u.cost_per_1k_tokens),
          share(u.cache_hit_rate),
        ],
      ],
    ),
  );
  out.push(
    '',
    `Checks: ${Object.entries(r.checks)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  return out.join('\n');
}

/** Every figure of the report as one CSV: section, currency, dimension, key, then the values. */
export function renderReportCsv(r: Report): string {
  const rows: (string | null)[][] = [];
  for (const c of r.currencies) {
    rows.push([
      'total',
      c.currency,
      null,
      null,
      c.total,
      null,
      c.previous,
      c.change,
      c.change_pct === null ? null : String(c.change_pct),
    ]);
    rows.push([
      'month_to_date',
      c.currency,
      null,
      c.month_to_date.month,
      c.month_to_date.cost,
      null,
      null,
      null,
      null,
    ]);
    rows.push([
      'unallocated',
      c.currency,
      null,
      null,
      c.unallocated,
      String(c.unallocated_share),
      null,
      null,
      null,
    ]);
    for (const b of c.breakdowns)
      for (const l of b.lines)
        rows.push([
          'breakdown',
          c.currency,
          b.dimension,
          l.key,
          l.cost,
          String(l.share),
          l.previous,
          l.change,
          l.change_pct === null ? null : String(l.change_pct),
        ]);
    for (const d of c.daily) rows.push(['daily', c.currency, null, d.day, d.cost, null, null, null, null]);
  }
  for (const l of r.estimated.breakdown.lines)
    rows.push([
      'estimated',
      r.estimated.currency,
      r.estimated.breakdown.dimension,
      l.key,
      l.cost,
      String(l.share),
      null,
      null,
      null,
    ]);
  return renderCsv(
    ['section', 'currency', 'dimension', 'key', 'cost', 'share', 'previous', 'change', 'change_pct'],
    rows,
  );
}

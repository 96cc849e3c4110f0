// One currency's part of the HTML report: key figures, the three chart placeholders and the breakdown tables.
import type { Breakdown, CurrencySection, Report } from '../model.js';
import { decimal, money, percent, signedMoney, signedPercent, trend } from './format.js';
import { type Cell, chart, kpi, num, table } from './markup.js';

/** change_pct is in percent in the model (21.8 = +21.8 %); the formatters take fractions. */
const pct = (v: number | null | undefined) => (v === null || v === undefined ? v : v / 100);

/** The forecast of a currency; a forecast without a currency belongs to the only currency there is. */
export function forecastFor(report: Report, currency: string): Report['forecast'][number] | undefined {
  return (
    report.forecast.find((f) => f.currency === currency) ??
    (report.currencies.length === 1 ? report.forecast.find((f) => f.currency === null) : undefined)
  );
}

/** The breakdown the charts show: the one by the report's key, else the first. */
export function chartBreakdown(report: Report, s: CurrencySection): Breakdown | undefined {
  return s.breakdowns.find((b) => b.dimension === report.by) ?? s.breakdowns[0];
}

function breakdownTable(b: Breakdown, s: CurrencySection, compared: boolean): string {
  const cur = s.currency;
  const head: Cell[] = [b.dimension, num('cost'), num('share')];
  if (compared) head.push(num('previous'), num('change'), num('change %'));
  const row = (key: string, cost: string, share: number | null, l?: Breakdown['lines'][number]): Cell[] => {
    const r: Cell[] = [key, num(money(cost, cur)), num(percent(share))];
    if (compared)
      r.push(
        num(money(l?.previous, cur)),
        num(signedMoney(l?.change, cur), trend(l?.change)),
        num(signedPercent(pct(l?.change_pct)), trend(l?.change_pct)),
      );
    return r;
  };
  const foot: Cell[][] = [];
  if (b.others) {
    const share = Number(s.total) ? Number(b.others.cost) / Number(s.total) : null;
    foot.push(row(`others (${b.others.count})`, b.others.cost, share));
  }
  const total: Cell[] = [{ text: 'total', cls: 'total' }, num(money(s.total, cur), 'total'), num('100.0%')];
  if (compared)
    total.push(
      num(money(s.previous, cur)),
      num(signedMoney(s.change, cur), trend(s.change)),
      num(signedPercent(pct(s.change_pct)), trend(s.change_pct)),
    );
  foot.push(total);
  return table(
    head,
    b.lines.map((l) => row(l.key, l.cost, l.share, l)),
    { caption: `By ${b.dimension}`, foot },
  );
}

function keyFigures(report: Report, s: CurrencySection): string {
  const cur = s.currency;
  const f = forecastFor(report, cur);
  const vs = report.compare ? ` vs ${report.compare.label}` : '';
  const figures = [
    kpi(
      'Invoiced cost',
      money(s.total, cur),
      s.change === null
        ? undefined
        : `${signedMoney(s.change, cur)} (${signedPercent(pct(s.change_pct))})${vs}`,
      trend(s.change),
    ),
    kpi(`Month to date (${s.month_to_date.month})`, money(s.month_to_date.cost, cur)),
  ];
  if (f)
    figures.push(
      kpi(
        `Forecast month end (${f.month_end.month}), P50`,
        money(f.month_end.p50, cur),
        `P10 ${decimal(f.month_end.p10)} - P90 ${decimal(f.month_end.p90)} (${f.method})`,
      ),
    );
  figures.push(
    kpi(
      'Unallocated',
      money(s.unallocated, cur),
      `${percent(s.unallocated_share)} not attributed to a key (run aicost allocate)`,
    ),
  );
  return `<div class="kpis">${figures.join('')}</div>`;
}

export function currencySection(report: Report, s: CurrencySection, index: number): string {
  const f = forecastFor(report, s.currency);
  const b = chartBreakdown(report, s);
  const vs = report.compare ? report.compare.label : 'the comparison period';
  const charts = [
    chart(
      'daily',
      index,
      'Daily cost',
      (f
        ? `Invoiced cost per day, then the ${f.method} forecast: P50 line, P10-P90 band.`
        : 'Invoiced cost per day (no forecast).') +
        (report.coverage.gaps.length ? ' Grey: days no input covers.' : ''),
    ),
    chart('breakdown', index, `Cost by ${b?.dimension ?? report.by}`, 'In the period, largest first.'),
    chart('movers', index, `Top movers by ${report.by}`, `Change against ${vs}.`),
  ];
  return [
    `<section class="currency" id="currency-${index}">`,
    `<h2>Spend in ${s.currency}</h2>`,
    keyFigures(report, s),
    `<div class="charts">${charts.join('\n')}</div>`,
    '<h3>Breakdowns</h3>',
    `<div class="breakdowns">${s.breakdowns.map((x) => breakdownTable(x, s, report.compare !== null)).join('\n')}</div>`,
    '</section>',
  ].join('\n');
}

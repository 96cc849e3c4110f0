// The report's sections after the currencies: estimated cost, unit economics, budgets, anomalies, coverage and
// validation, notes. Budgets and anomalies are open records in the model (the `aicost budgets` and `aicost anomalies`
// shapes, analysis/budgets.ts and analysis/anomalies/types.ts), so their fields are read defensively: a missing or
// odd field shows as `-` instead of failing the whole report.
import type { Report } from '../model.js';
import { count, decimal, money, percent, signedMoney, trend } from './format.js';
import { type Cell, day, list, num, section, table } from './markup.js';

type Rec = Record<string, unknown>;
const str = (v: unknown): string | null =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
const numOf = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const rec = (v: unknown): Rec => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : {});

/** Costs per unit are mostly below a cent: four decimals, so they do not all round to 0.00 or 0.01. */
const unitMoney = (v: string | null, cur: string | null) =>
  v === null ? '-' : cur ? `${decimal(v, 4)} ${cur}` : decimal(v, 4);

export function estimatedSection(r: Report): string {
  const e = r.estimated;
  const rows = e.breakdown.lines.map((l): Cell[] => [
    l.key,
    num(money(l.cost, e.currency)),
    num(percent(l.share)),
    num(signedMoney(l.change, e.currency), trend(l.change)),
  ]);
  const foot: Cell[][] = e.breakdown.others
    ? [[`others (${e.breakdown.others.count})`, num(money(e.breakdown.others.cost, e.currency)), '', '']]
    : [];
  foot.push(['total', num(money(e.total, e.currency)), num(percent(e.share)), '']);
  const intro =
    `Usage no invoice covers yet, at price-book cost: ${money(e.total, e.currency)}` +
    (e.share === null ? '.' : ` (${percent(e.share)} of invoiced plus estimated).`) +
    ' Shown beside the invoiced cost, never added to it.';
  return section(
    'estimated',
    'Estimated, not yet invoiced',
    table([e.breakdown.dimension, num('cost'), num('share'), num('change')], rows, { foot }),
    intro,
  );
}

export function unitSection(r: Report): string {
  const u = r.unit_economics;
  const rows: Cell[][] = [
    ['requests', num(count(u.requests)), 'cost per request', num(unitMoney(u.cost_per_request, u.currency))],
    ['traces', num(count(u.traces)), 'cost per trace', num(unitMoney(u.cost_per_trace, u.currency))],
    ['users', num(count(u.users)), 'cost per user', num(unitMoney(u.cost_per_user, u.currency))],
    ['tokens', num(count(u.tokens)), 'cost per 1k tokens', num(unitMoney(u.cost_per_1k_tokens, u.currency))],
    ['cost', num(money(u.cost, u.currency)), 'cache hit rate', num(percent(u.cache_hit_rate))],
  ];
  return section(
    'unit-economics',
    'Unit economics',
    table(['volume', num('count'), 'unit cost', num('value')], rows),
    `Basis: ${u.basis} cost of the usage rows.`,
  );
}

function budgetRow(v: unknown): Cell[] {
  const b = rec(v);
  const cur = str(b.currency);
  const scope = Object.entries(rec(b.scope))
    .map(([k, x]) => `${k}=${Array.isArray(x) ? x.join('|') : str(x)}`)
    .join(' ');
  const f = b.forecast ? rec(b.forecast) : null;
  const pctText = (p: unknown) => (numOf(p) === null ? '' : `\n${numOf(p)}%`);
  const state = str(b.state) ?? 'unknown';
  // two lines per figure (value, then percent or range) keep the nine columns within a printed page
  return [
    str(b.name) ?? '-',
    scope || 'all',
    { text: `${str(b.from) ?? '?'} ..\n${str(b.to) ?? '?'}`, cls: 'lines' },
    num(money(str(b.amount), cur)),
    num(`${money(str(b.actual), cur)}${pctText(b.actual_pct)}`, 'lines'),
    num(
      f
        ? `${money(str(f.p50), cur)}${pctText(b.forecast_pct)}\nP10-P90 ${decimal(str(f.p10) ?? '?')} - ${decimal(str(f.p90) ?? '?')}`
        : 'n/a',
      'lines',
    ),
    num(numOf(b.threshold) === null ? '-' : `${numOf(b.threshold)}%`),
    { text: state, cls: `state state-${state.replace(/[^a-z-]/g, '')}` },
    str(b.outlook) ?? '-',
  ];
}

export function budgetsSection(r: Report): string {
  const head = [
    'budget',
    'scope',
    'period',
    num('amount'),
    num('actual, % of amount'),
    num('forecast at period end, P50'),
    num('threshold'),
    'state',
    'outlook',
  ];
  return section(
    'budgets',
    'Budgets',
    table(head, r.budgets.map(budgetRow), { empty: 'No budgets configured.' }),
  );
}

function anomalyRow(v: unknown): Cell[] {
  const a = rec(v);
  const cur = str(a.currency);
  // cost-per-request figures are per request: four decimals like the other unit costs
  const fig = (x: unknown) => (a.kind === 'cost-per-request' ? unitMoney(str(x), cur) : money(str(x), cur));
  const drivers = Array.isArray(a.drivers)
    ? a.drivers.map((d) => `${str(rec(d).factor)} ${percent(numOf(rec(d).share))}`).join(', ')
    : '';
  return [
    day(str(a.day) ?? '-'),
    day(str(a.kind) ?? '-'),
    str(a.key) ?? 'total',
    num(fig(a.actual)),
    num(fig(a.baseline)),
    num(signedMoney(str(a.impact), cur), 'up'),
    { text: str(a.driver) ?? '-', cls: 'driver', title: drivers },
    drivers || '-',
    str(a.basis) ?? '-',
  ];
}

export function anomaliesSection(r: Report): string {
  const head = [
    'day',
    'kind',
    'key',
    num('actual'),
    num('baseline'),
    num('impact'),
    'driver',
    'shares',
    'basis',
  ];
  const body = table(head, r.anomalies.map(anomalyRow), { empty: 'No anomalies in the period.' });
  return section('anomalies', 'Anomalies', body);
}

export function coverageSection(r: Report): string {
  const c = r.coverage;
  const sources = table(
    ['source', 'dataset', num('files'), num('rows'), 'first day', 'last day'],
    c.sources.map((s) => [
      s.source,
      s.dataset,
      num(count(s.files)),
      num(count(s.rows)),
      day(s.first_day ?? '-'),
      day(s.last_day ?? '-'),
    ]),
    { caption: `Sources (${count(c.days)} days with data)`, empty: 'No sources.' },
  );
  const dayCount = (g: { from: string; to: string }) =>
    (Date.parse(g.to) - Date.parse(g.from)) / 86_400_000 + 1;
  const gaps = table(
    ['from', 'to', num('days')],
    c.gaps.map((g) => [day(g.from), day(g.to), num(count(dayCount(g)))]),
    { caption: 'Gaps: days no input covers', empty: 'No gaps: every day of the period is covered.' },
  );
  const v = r.validation;
  const checks = table(
    ['check', 'result', 'detail'],
    [
      ['budget', { text: r.checks.budget, cls: `check-${r.checks.budget}` }, 'a budget at or past fail_at'],
      [
        'anomaly',
        { text: r.checks.anomaly, cls: `check-${r.checks.anomaly}` },
        `${count(r.anomalies.length)} found`,
      ],
      [
        'validation',
        { text: r.checks.validation, cls: `check-${r.checks.validation}` },
        `${count(v.derived)} derived, ${count(v.carried_over)} carried-over findings` +
          (v.rules_failed.length ? `; rules failed: ${v.rules_failed.join(', ')}` : ''),
      ],
    ],
    { caption: 'Checks (--fail-on)' },
  );
  return section('coverage', 'Coverage and checks', `<div class="grid2">${sources}${gaps}</div>${checks}`);
}

export function notesSection(r: Report): string {
  const notes = [
    ...r.notes,
    ...r.forecast.flatMap((f) => f.notes.map((n) => `forecast (${f.currency ?? 'all'}): ${n}`)),
  ];
  return notes.length ? section('notes', 'Notes', list(notes, 'notes')) : '';
}

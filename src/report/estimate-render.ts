// `aicost estimate` as a terminal table or as a short Markdown table for a pull-request comment (the JSON is the
// report model itself: analysis/estimate-types.ts). Pure functions of the report: no SQL, no arithmetic on money
// beyond choosing how many decimals to show.
import type { EstimateReport } from '../analysis/estimate-types.js';
import { renderTable } from './table.js';

const count = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });
const signed = (n: number) => `${n > 0 ? '+' : ''}${count(n)}`;

/** A row of money in one precision: cents when any value reaches 10, else the report's 10^-6. */
function moneyRow(values: string[]): string[] {
  const cents = values.some((v) => Math.abs(Number(v)) >= 10);
  return values.map((v) => {
    if (!cents) return v;
    const n = Number(v);
    return n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  });
}

function cells(r: EstimateReport): { head: string[]; rows: string[][] } {
  const { before, after, delta, delta_pct } = r.monthly;
  const [b, a, d] = moneyRow([before, after, delta]);
  const change = `${Number(delta) > 0 ? '+' : ''}${d}${delta_pct === null ? '' : ` (${signed(delta_pct)}%)`}`;
  const rows: string[][] = [];
  if (r.prompt) {
    const p = r.prompt;
    rows.push([
      'prompt tokens per request',
      count(p.before.tokens),
      count(p.after.tokens),
      signed(p.delta_per_request),
    ]);
  } else if (r.tokens_per_month) {
    const sum = (t: Record<string, number>) => Object.values(t).reduce((x, y) => x + y, 0);
    const [tb, ta] = [sum(r.tokens_per_month.before), sum(r.tokens_per_month.after)];
    rows.push(['tokens per month', count(tb), count(ta), signed(ta - tb)]);
  }
  rows.push([`monthly cost (${r.currency})`, b!, a!, change]);
  return { head: ['', 'before', 'after', 'change'], rows };
}

function context(r: EstimateReport): string[] {
  const m = r.model.after;
  const cache = `${count(r.cache.read_share * 100)}% of input tokens read from cache${
    r.cache.write_share ? `, ${count(r.cache.write_share * 100)}% written to it` : ''
  }`;
  const how =
    r.kind === 'prompt'
      ? r.method === 'exact'
        ? m.tokenizer.method
        : `approximate: ${r.prompt?.calibration ?? m.tokenizer.method}`
      : r.method === 'exact'
        ? `exact (observed counts; both models use ${m.tokenizer.encoding})`
        : 'approximate (see the notes)';
  return [
    `traffic: ${count(r.requests.per_month)} requests per 30-day month (${count(r.requests.in_window)} from ${r.window.from} to ${r.window.to}, ${r.window.days} days); ${cache}`,
    `tokens: ${how}`,
    `prices: ${r.basis === 'rate-card' ? 'rate card over the price book' : 'price book'} list prices of ${r.priced_at}, default tier`,
  ];
}

function thresholdLine(r: EstimateReport): string | null {
  const t = r.threshold;
  if (t.amount === null && t.pct === null) return null;
  const limits = [t.amount === null ? null : `${t.amount} ${r.currency}`, t.pct === null ? null : `${t.pct}%`]
    .filter(Boolean)
    .join(' or ');
  return t.exceeded
    ? `over threshold: the monthly increase exceeds ${limits}`
    : `within threshold (${limits})`;
}

function title(r: EstimateReport): string {
  const m = r.model.after;
  const on = `${m.id}${m.provider ? ` (${m.provider})` : ''}`;
  return r.kind === 'prompt'
    ? `Estimate for feature "${r.feature}": prompt change on ${on}`
    : `Estimate for feature "${r.feature}": model change ${r.model.before.id} -> ${m.id}`;
}

export function estimateTable(r: EstimateReport): string {
  const { head, rows } = cells(r);
  const t = thresholdLine(r);
  return [
    title(r),
    renderTable(head, rows),
    ...context(r),
    ...(t ? [t] : []),
    ...r.notes.map((n) => `note: ${n}`),
  ].join('\n');
}

const escapeMd = (s: string) => s.replaceAll('|', '\\|');

/** A short Markdown block for a pull-request comment. */
export function estimateMarkdown(r: EstimateReport): string {
  const { head, rows } = cells(r);
  const t = thresholdLine(r);
  const table = [
    `| ${head.join(' | ')} |`,
    '|---|---:|---:|---:|',
    ...rows.map((row) => `| ${row.map(escapeMd).join(' | ')} |`),
  ];
  return [
    `### aicost estimate: feature \`${escapeMd(r.feature)}\``,
    '',
    r.kind === 'prompt'
      ? `Prompt change, priced on \`${r.model.after.id}\`.`
      : `Model change from \`${r.model.before.id}\` to \`${r.model.after.id}\`.`,
    '',
    ...table,
    '',
    ...context(r).map((l) => `- ${escapeMd(l)}`),
    ...r.notes.map((n) => `- note: ${escapeMd(n)}`),
    ...(t ? ['', r.threshold.exceeded ? `> **${t}**` : `> ${t}`] : []),
  ].join('\n');
}

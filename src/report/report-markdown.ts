// The report as markdown for a CI job summary or a PR comment (docs/report.md): headline figures first, long tables
// folded into <details>, and the whole text capped below GitHub's comment limit (65,536 characters) by dropping
// detail sections from the end, with a note that says so. A pure function of the report model.
import type { Breakdown, Report } from './model.js';

/** Under GitHub's 65,536-character comment limit, with room for a caller's own header. */
export const MARKDOWN_LIMIT = 60_000;

const money = (v: string | null | undefined, cur?: string | null) =>
  v === null || v === undefined
    ? '–'
    : `${Number(v).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}${cur ? ` ${cur}` : ''}`;
const pct = (v: number | null | undefined) =>
  v === null || v === undefined ? '–' : `${v > 0 ? '+' : ''}${v}%`;
const share = (v: number | null | undefined) =>
  v === null || v === undefined ? '–' : `${Math.round(v * 1000) / 10}%`;
const count = (n: number) => n.toLocaleString('en-US');
const esc = (s: string) => s.replace(/([|\\`*_<>])/g, '\\$1').replace(/\n/g, ' ');

function table(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function details(summary: string, body: string): string {
  return `<details><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

function breakdownTable(b: Breakdown, cur: string): string {
  const rows = b.lines.map((l) => [
    esc(l.key),
    money(l.cost, cur),
    share(l.share),
    money(l.previous, cur),
    pct(l.change_pct),
  ]);
  if (b.others) rows.push([`${b.others.count} more`, money(b.others.cost, cur), '', '', '']);
  return table([b.dimension, 'cost', 'share', 'previous', 'change'], rows);
}

function headline(r: Report): string[] {
  const out = [`## AI spend ${r.period.label}${r.compare ? ` (vs ${r.compare.label})` : ''}`, ''];
  const rows = r.currencies.map((c) => [
    c.currency,
    money(c.total, c.currency),
    `${money(c.month_to_date.cost, c.currency)} (${c.month_to_date.month})`,
    money(c.previous, c.currency),
    pct(c.change_pct),
    share(c.unallocated_share),
  ]);
  if (rows.length)
    out.push(table(['currency', 'total', 'month to date', 'previous', 'change', 'unallocated'], rows));
  else out.push('No invoiced cost in the period.');
  out.push(
    '',
    `Estimated usage not invoiced yet: **${money(r.estimated.total, r.estimated.currency)}**${r.estimated.share === null ? '' : ` (${share(r.estimated.share)} of invoiced + estimated)`}.`,
  );
  const checks = Object.entries(r.checks).map(([k, v]) => `${v === 'fail' ? '❌' : '✅'} ${k}`);
  out.push('', `Checks: ${checks.join(' · ')}`);
  return out;
}

function sections(r: Report): string[] {
  const out: string[] = [];
  for (const f of r.forecast)
    out.push(
      '',
      `**Forecast** (${f.method}): month end ${f.month_end.month} **${money(f.month_end.p50, f.currency)}** (P10 ${money(f.month_end.p10)} – P90 ${money(f.month_end.p90)})`,
    );
  if (r.budgets.length) out.push('');
  for (const b of r.budgets as {
    name: string;
    state: string;
    actual_pct: number;
    amount: string;
    currency: string | null;
    outlook: string;
  }[])
    out.push(
      `- Budget **${esc(b.name)}**: ${b.actual_pct}% of ${money(b.amount, b.currency)} — ${b.state}, ${b.outlook}`,
    );
  if (r.anomalies.length) {
    const rows = (
      r.anomalies as {
        kind: string;
        key: string | null;
        day: string;
        impact: string;
        driver: string | null;
        currency: string | null;
      }[]
    ).map((a) => [a.kind, esc(a.key ?? 'total'), a.day, money(a.impact, a.currency), a.driver ?? '–']);
    out.push(
      '',
      details(`${r.anomalies.length} anomalies`, table(['kind', 'key', 'day', 'impact', 'driver'], rows)),
    );
  }
  for (const c of r.currencies) {
    const main = c.breakdowns.find((b) => b.dimension === r.by);
    if (main) out.push('', `### By ${r.by} (${c.currency})`, '', breakdownTable(main, c.currency));
    if (c.movers.length)
      out.push(
        '',
        details(
          `Top movers by ${r.by}`,
          table(
            [r.by, 'cost', 'previous', 'change'],
            c.movers.map((m) => [
              esc(m.key),
              money(m.cost, c.currency),
              money(m.previous, c.currency),
              `${money(m.change, c.currency)} (${pct(m.change_pct)})`,
            ]),
          ),
        ),
      );
    for (const b of c.breakdowns.filter((x) => x.dimension !== r.by))
      out.push('', details(`By ${b.dimension} (${c.currency})`, breakdownTable(b, c.currency)));
  }
  const u = r.unit_economics;
  out.push(
    '',
    details(
      `Unit economics${u.currency ? ` (${u.currency})` : ''}`,
      table(
        ['requests', 'traces', 'users', 'tokens', 'per request', 'per trace', 'per 1K tokens', 'cache hit'],
        [
          [
            count(u.requests),
            count(u.traces),
            count(u.users),
            count(u.tokens),
            money(u.cost_per_request),
            money(u.cost_per_trace),
            money(u.cost_per_1k_tokens),
            share(u.cache_hit_rate),
          ],
        ],
      ),
    ),
  );
  const cov = r.coverage.sources.map((s) => [
    s.source,
    s.dataset,
    count(s.files),
    count(s.rows),
    s.first_day ?? '–',
    s.last_day ?? '–',
  ]);
  const gaps = r.coverage.gaps.map((g) => `${g.from}..${g.to}`).join(', ');
  out.push(
    '',
    details(
      `Data coverage: ${r.coverage.days} days${gaps ? `, gaps ${gaps}` : ''}`,
      table(['source', 'dataset', 'files', 'rows', 'first day', 'last day'], cov),
    ),
  );
  if (r.notes.length) out.push('', details('Notes', r.notes.map((n) => `- ${esc(n)}`).join('\n')));
  return out;
}

/** The report as markdown, at most `limit` characters. */
export function renderMarkdown(r: Report, limit = MARKDOWN_LIMIT): string {
  const head = headline(r);
  const parts = sections(r);
  const footer = `\n\n<sub>aicost report ${r.generated_at} · ${r.schema}</sub>`;
  let text = [...head, ...parts].join('\n') + footer;
  let dropped = 0;
  while (text.length > limit && parts.length > 0) {
    parts.pop();
    dropped++;
    const note = `\n\n_${dropped} detail section(s) left out to fit the comment limit: see the JSON report._`;
    text = [...head, ...parts].join('\n') + note + footer;
  }
  return text.length > limit ? `${text.slice(0, limit - 40)}\n\n_(truncated)_` : text;
}

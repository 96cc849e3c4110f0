// Pure renderers of the allocation result (showback): terminal table, JSON (versioned), CSV. The table rounds for
// the eye (report/format.ts); JSON and CSV carry the exact decimal strings. The result names no currency (a pool is
// in its invoices' billing currency), so the table's money has none either.
import type { AllocateResult } from '../analysis/allocate/run.js';
import type { ShowbackLine } from '../analysis/allocate/showback.js';
import { TOKEN_CLASSES } from '../usage/schema.js';
import { count, money, percent as pct, unitPrice } from './format.js';
import { renderCsv, renderTable } from './table.js';

const label = (t: string | null, kind: string) => (kind === 'unallocated' ? '(unallocated)' : (t ?? ''));

/** Counts as numbers (token and request sums fit a double exactly far beyond any real bill); money stays exact text. */
const countsAsNumbers = (l: ShowbackLine) => ({
  ...l,
  tokens: Object.fromEntries(Object.entries(l.tokens).map(([k, v]) => [k, Number(v)])),
  requests: Number(l.requests),
});

export function showbackJson(r: AllocateResult): string {
  return JSON.stringify(
    { schema: 'aicost.showback/1', ...r, showback: r.showback.map(countsAsNumbers) },
    null,
    2,
  );
}

export function showbackCsv(r: AllocateResult): string {
  const head = [
    'target',
    'kind',
    'effective_cost',
    'billed_cost',
    'share',
    ...TOKEN_CLASSES,
    'requests',
    'cost_per_1k_tokens',
    'cost_per_request',
    'cache_hit_rate',
  ];
  return renderCsv(
    head,
    r.showback.map((l) => [
      l.target,
      l.kind,
      l.effectiveCost,
      l.billedCost,
      l.share === null ? null : String(l.share),
      ...TOKEN_CLASSES.map((c) => l.tokens[c] ?? '0'),
      l.requests,
      l.costPer1kTokens,
      l.costPerRequest,
      l.cacheHitRate === null ? null : String(l.cacheHitRate),
    ]),
  );
}

const tokenCells = (l: ShowbackLine) => [
  count(l.tokens.input ?? '0'),
  count(l.tokens.cache_read ?? '0'),
  count(
    BigInt(l.tokens.cache_write ?? 0) +
      BigInt(l.tokens.cache_write_5m ?? 0) +
      BigInt(l.tokens.cache_write_1h ?? 0),
  ),
  count(l.tokens.output ?? '0'),
  count(l.requests),
  unitPrice(l.costPer1kTokens),
  unitPrice(l.costPerRequest),
  pct(l.cacheHitRate),
];

const HEAD = [
  'cost',
  'share',
  'input',
  'cache read',
  'cache write',
  'output',
  'requests',
  'per 1K tok',
  'per request',
  'cache hit',
];
const blank = (n: number) => Array.from({ length: n }, () => '');

/** One shared-resource rule's effect, in a sentence. */
function sharedLine(s: AllocateResult['sharedResources'][number]): string {
  const parts = [
    `${count(s.rows.build)} build rows charged to the triggering ${s.key}`,
    `${count(s.rows.query)} query rows to the querying ${s.key}`,
  ];
  if (s.rows.maintenance > 0 || s.queryShare.length > 0)
    parts.push(
      `${count(s.rows.maintenance)} maintenance rows split by query share (${s.queryShare.map((q) => `${q.value} ${pct(q.share)}`).join(', ') || 'no queries'})`,
    );
  const left =
    Number(s.unsplitEffectiveCost) !== 0
      ? `; ${money(s.unsplitEffectiveCost)} of maintenance had no queries in its month and stays on (shared:${s.name})`
      : '';
  return `shared resource ${s.name}: ${parts.join(', ')}${left}`;
}

/** Σ of decimal strings, exactly (18 decimals, as the estimates are stored). */
function decimalSum(values: string[]): string {
  const SCALE = 18;
  let total = 0n;
  for (const v of values) {
    const neg = v.startsWith('-');
    const [i = '0', f = ''] = v.replace('-', '').split('.');
    const n = BigInt(i + f.padEnd(SCALE, '0').slice(0, SCALE));
    total += neg ? -n : n;
  }
  const neg = total < 0n;
  const digits = (neg ? -total : total).toString().padStart(SCALE + 1, '0');
  return `${neg ? '-' : ''}${digits.slice(0, -SCALE)}.${digits.slice(-SCALE)}`;
}

/**
 * Invoiced allocations and estimated usage are two tables with their own totals: the estimate (price-book cost of
 * usage no invoice covers yet) is never added to money of record.
 */
export function showbackTable(r: AllocateResult): string {
  const key = r.keys.join(',');
  const out: string[] = [];
  const invoiced = r.showback.filter((l) => l.kind !== 'estimated');
  const estimated = r.showback.filter((l) => l.kind === 'estimated');
  if (invoiced.length || !r.noInvoices) {
    const rows = invoiced.map((l) => [
      label(l.target, l.kind),
      money(l.effectiveCost),
      pct(l.share),
      ...tokenCells(l),
    ]);
    rows.push(['TOTAL (= pool)', money(r.allocated.EffectiveCost ?? '0'), '100.0%', ...blank(8)]);
    const title = `Invoiced cost allocated by ${r.keys.join(', ')}: ${money(r.allocated.EffectiveCost ?? '0')} (${r.method})`;
    out.push(renderTable([key, ...HEAD], rows, { title }));
    const cov = r.coverage.map((c) => `${c.level}${c.grain ? `/${c.grain}` : ''} ${pct(c.share)}`).join(', ');
    out.push(
      `method ${r.method}, run ${r.runId}${r.unchanged ? ' (unchanged)' : ''}; ${count(r.originRows)} invoice lines; coverage: ${cov}`,
    );
    for (const u of r.unmatched)
      out.push(
        `invoiced, no matching usage: ${u.provider ?? '?'} ${u.model ?? '?'} on ${u.day}: ${money(u.effectiveCost)} (${count(u.lines)} lines, unallocated)`,
      );
    for (const s of r.sharedResources) out.push(sharedLine(s));
  } else
    out.push('No invoice lines to allocate: the breakdown below is the price-book estimate of the usage.');
  if (estimated.length) {
    const total = decimalSum(estimated.map((l) => l.effectiveCost));
    const rows = estimated.map((l) => [
      label(l.target, l.kind),
      money(l.effectiveCost),
      pct(l.share),
      ...tokenCells(l),
    ]);
    rows.push(['TOTAL (estimated)', money(total), '100.0%', ...blank(8)]);
    const title = `Estimated cost of usage not invoiced yet, by ${r.keys.join(', ')}: ${money(total)} (price book; not added to the invoiced total)`;
    out.push('', renderTable([key, ...HEAD], rows, { title }));
  }
  return out.join('\n');
}

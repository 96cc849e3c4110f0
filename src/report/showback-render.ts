// Pure renderers of the allocation result (showback): terminal table, JSON (versioned), CSV. The table rounds for
// the eye (report/format.ts); JSON and CSV carry the exact decimal strings. Every line carries its currency (the
// invoices' BillingCurrency; USD for price-book estimates): the table has one titled block per currency with its own
// total, and nothing is ever added across currencies.

import type { AllocateResult } from '../analysis/allocate/run.js';
import type { ShowbackLine } from '../analysis/allocate/showback.js';
import { compareDecimal } from '../prices/decimal.js';
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
    'currency',
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
      l.currency,
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

const tokenCells = (l: ShowbackLine, cur: string | null) => [
  count(l.tokens.input ?? '0'),
  count(l.tokens.cache_read ?? '0'),
  count(
    BigInt(l.tokens.cache_write ?? 0) +
      BigInt(l.tokens.cache_write_5m ?? 0) +
      BigInt(l.tokens.cache_write_1h ?? 0),
  ),
  count(l.tokens.output ?? '0'),
  count(l.requests),
  unitPrice(l.costPer1kTokens, cur),
  unitPrice(l.costPerRequest, cur),
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
  const left = /[1-9]/.test(s.unsplitEffectiveCost)
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

/** Rounding for a table cell in a block whose title names the currency: the currency's minor unit, no code. */
const cell = (v: string, cur: string | null) => money(v, cur, { code: false });

/** One currency's invoiced block: its lines, its total (= that currency's pool), coverage and unmatched lines. */
function invoicedBlock(r: AllocateResult, t: AllocateResult['currencies'][number]): string[] {
  const cur = t.currency;
  const lines = r.showback.filter((l) => l.kind !== 'estimated' && l.currency === cur);
  const total = t.allocated.EffectiveCost ?? '0';
  const rows = lines.map((l) => [
    label(l.target, l.kind),
    cell(l.effectiveCost, cur),
    pct(l.share),
    ...tokenCells(l, null),
  ]);
  rows.push([`TOTAL ${cur ?? ''} (= pool)`.replace('  ', ' '), cell(total, cur), '100.0%', ...blank(8)]);
  const several = r.currencies.length > 1;
  const title = `Invoiced cost allocated by ${r.keys.join(', ')}${several ? `, billed in ${cur ?? '(no currency)'}` : ''}: ${money(total, cur)} (${r.method})`;
  const out = [renderTable([r.keys.join(','), ...HEAD], rows, { title })];
  const cov = r.coverage
    .filter((c) => c.currency === cur)
    .map((c) => `${c.level}${c.grain ? `/${c.grain}` : ''} ${pct(c.share)}`)
    .join(', ');
  out.push(
    `${several ? `${cur ?? '(no currency)'}: ` : ''}${count(t.originRows)} invoice lines; coverage: ${cov}`,
  );
  // the table shows EffectiveCost; where the pool's BilledCost differs (a prepaid purchase such as a GPU reservation
  // counts 0 effective, a bundle-paid line 0 billed) say so, since both are split alike in the allocated rows
  const billed = t.allocated.BilledCost;
  if (billed !== undefined && compareDecimal(billed, total) !== 0)
    out.push(
      `billed ${money(billed, cur)} (EffectiveCost above; prepaid purchases and bundle-paid lines make them differ: both are split alike, BilledCost by key in the allocated rows and --format json)`,
    );
  for (const u of r.unmatched.filter((x) => x.currency === cur))
    out.push(
      `invoiced, no matching usage: ${u.provider ?? '?'} ${u.model ?? '?'} on ${u.day}: ${money(u.effectiveCost, cur)} (${count(u.lines)} lines, unallocated)`,
    );
  return out;
}

/**
 * Invoiced allocations (one block per billing currency) and estimated usage (USD, price book) are separate tables
 * with their own totals: the estimate is never added to money of record, nor one currency to another.
 */
export function showbackTable(r: AllocateResult): string {
  const key = r.keys.join(',');
  const out: string[] = [];
  const estimated = r.showback.filter((l) => l.kind === 'estimated');
  if (!r.noInvoices) {
    r.currencies.forEach((t, i) => {
      out.push(...(i > 0 ? [''] : []), ...invoicedBlock(r, t));
    });
    if (r.currencies.length > 1)
      out.push(
        `invoices in ${r.currencies.length} billing currencies (${r.currencies.map((c) => c.currency ?? '(no currency)').join(', ')}): each has its own total; amounts are never added or converted`,
      );
    out.push(`method ${r.method}, run ${r.runId}${r.unchanged ? ' (unchanged)' : ''}`);
    for (const s of r.sharedResources) out.push(sharedLine(s));
  } else
    out.push('No invoice lines to allocate: the breakdown below is the price-book estimate of the usage.');
  if (estimated.length) {
    const total = decimalSum(estimated.map((l) => l.effectiveCost));
    const rows = estimated.map((l) => [
      label(l.target, l.kind),
      cell(l.effectiveCost, 'USD'),
      pct(l.share),
      ...tokenCells(l, null),
    ]);
    rows.push(['TOTAL USD (estimated)', cell(total, 'USD'), '100.0%', ...blank(8)]);
    const title = `Estimated cost of usage not invoiced yet, by ${r.keys.join(', ')}: ${money(total, 'USD')} (price book; not added to the invoiced total)`;
    out.push('', renderTable([key, ...HEAD], rows, { title }));
  }
  return out.join('\n');
}

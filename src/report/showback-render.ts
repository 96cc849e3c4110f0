// Pure renderers of the allocation result (showback): terminal table, JSON (versioned), CSV. The table rounds for
// the eye (report/format.ts); JSON and CSV carry the exact decimal strings. The result names no currency (a pool is
// in its invoices' billing currency), so the table's money has none either.
import type { AllocateResult } from '../analysis/allocate/run.js';
import type { ShowbackLine } from '../analysis/allocate/showback.js';
import { TOKEN_CLASSES } from '../usage/schema.js';
import { count, money, percent as pct, unitPrice } from './format.js';
import { renderCsv, renderTable } from './table.js';

const label = (t: string | null, kind: string) =>
  kind === 'unallocated' ? '(unallocated)' : kind === 'estimated' ? '(estimated, not invoiced)' : (t ?? '');

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

export function showbackTable(r: AllocateResult): string {
  const rows = r.showback.map((l) => [
    label(l.target, l.kind),
    money(l.effectiveCost),
    pct(l.share),
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
  ]);
  rows.push([
    'TOTAL (= pool)',
    money(r.allocated.EffectiveCost ?? '0'),
    '100.0%',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
  ]);
  const title = `Showback by ${r.keys.join(', ')}: ${money(r.allocated.EffectiveCost ?? '0')} allocated (${r.method})`;
  const table = renderTable(
    [
      r.keys.join(','),
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
    ],
    rows,
    { title },
  );
  const cov = r.coverage.map((c) => `${c.level}${c.grain ? `/${c.grain}` : ''} ${pct(c.share)}`).join(', ');
  return `${table}\nmethod ${r.method}, run ${r.runId}${r.unchanged ? ' (unchanged)' : ''}; ${count(r.originRows)} invoice lines; coverage: ${cov}`;
}

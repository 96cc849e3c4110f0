// Pure renderers of the allocation result (showback): terminal table, JSON (versioned), CSV.
import type { AllocateResult } from '../analysis/allocate/run.js';
import { TOKEN_CLASSES } from '../usage/schema.js';
import { renderCsv, renderTable } from './table.js';

const money = (s: string | null) => {
  if (s === null) return '';
  const [i, f = ''] = s.split('.');
  const frac = f.replace(/0+$/, '');
  return frac.length <= 2 ? `${i}.${frac.padEnd(2, '0')}` : `${i}.${frac.slice(0, 6)}`;
};
const pct = (n: number | null) => (n === null ? '' : `${(n * 100).toFixed(1)}%`);
const label = (t: string | null, kind: string) => (kind === 'unallocated' ? '(unallocated)' : (t ?? ''));

export function showbackJson(r: AllocateResult): string {
  return JSON.stringify({ schema: 'aicost.showback/1', ...r }, null, 2);
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

const tokenCells = (l: AllocateResult['showback'][number]) => [
  l.tokens.input ?? '0',
  l.tokens.cache_read ?? '0',
  String(
    Number(l.tokens.cache_write ?? 0) +
      Number(l.tokens.cache_write_5m ?? 0) +
      Number(l.tokens.cache_write_1h ?? 0),
  ),
  l.tokens.output ?? '0',
  l.requests,
  money(l.costPer1kTokens),
  money(l.costPerRequest),
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

/** One shared-resource rule's effect, in a sentence. */
function sharedLine(s: AllocateResult['sharedResources'][number]): string {
  const parts = [
    `${s.rows.build} build rows charged to the triggering ${s.key}`,
    `${s.rows.query} query rows to the querying ${s.key}`,
  ];
  if (s.rows.maintenance > 0 || s.queryShare.length > 0)
    parts.push(
      `${s.rows.maintenance} maintenance rows split by query share (${s.queryShare.map((q) => `${q.value} ${pct(q.share)}`).join(', ') || 'no queries'})`,
    );
  const left =
    Number(s.unsplitEffectiveCost) !== 0
      ? `; ${money(s.unsplitEffectiveCost)} of maintenance had no queries in its month and stays on (shared:${s.name})`
      : '';
  return `shared resource ${s.name}: ${parts.join(', ')}${left}`;
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
      ...tokenCells(l).slice(0),
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
    out.push(`Invoiced cost allocated by ${key}`, renderTable([key, ...HEAD], rows));
    const cov = r.coverage.map((c) => `${c.level}${c.grain ? `/${c.grain}` : ''} ${pct(c.share)}`).join(', ');
    out.push(
      `method ${r.method}, run ${r.runId}${r.unchanged ? ' (unchanged)' : ''}; ${r.originRows} invoice lines; coverage: ${cov}`,
    );
    for (const u of r.unmatched)
      out.push(
        `invoiced, no matching usage: ${u.provider ?? '?'} ${u.model ?? '?'} on ${u.day}: ${money(u.effectiveCost)} (${u.lines} lines, unallocated)`,
      );
    for (const s of r.sharedResources) out.push(sharedLine(s));
  } else
    out.push('No invoice lines to allocate: the breakdown below is the price-book estimate of the usage.');
  if (estimated.length) {
    const total = estimated.reduce((s, l) => s + Number(l.effectiveCost), 0);
    const rows = estimated.map((l) => [
      label(l.target, l.kind),
      money(l.effectiveCost),
      pct(l.share),
      ...tokenCells(l),
    ]);
    rows.push(['TOTAL (estimated)', money(total.toFixed(6)), '100.0%', '', '', '', '', '', '', '', '']);
    out.push(
      '',
      `Estimated cost of usage not invoiced yet, by ${key} (price book; not added to the invoiced total)`,
    );
    out.push(renderTable([key, ...HEAD], rows));
  }
  return out.join('\n');
}

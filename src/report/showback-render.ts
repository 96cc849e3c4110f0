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
const label = (t: string | null, kind: string) =>
  kind === 'unallocated' ? '(unallocated)' : kind === 'estimated' ? '(estimated, not invoiced)' : (t ?? '');

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

export function showbackTable(r: AllocateResult): string {
  const rows = r.showback.map((l) => [
    label(l.target, l.kind),
    money(l.effectiveCost),
    pct(l.share),
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
  );
  const cov = r.coverage.map((c) => `${c.level}${c.grain ? `/${c.grain}` : ''} ${pct(c.share)}`).join(', ');
  return `${table}\nmethod ${r.method}, run ${r.runId}${r.unchanged ? ' (unchanged)' : ''}; ${r.originRows} invoice lines; coverage: ${cov}`;
}

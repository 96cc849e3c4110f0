// The costliest requests or traces (analysis/top.ts) as a table, CSV or JSON. The rows name no currency: cost is the
// invoiced share in the billing currency where an allocation covers the request, else the price-book estimate
// (USD), and `basis` says which; the table therefore rounds to 2 digits without a code.
import type { TopRow } from '../analysis/top.js';
import { count, money } from './format.js';
import { renderCsv, renderTable } from './table.js';

const HEAD = ['requests', 'models', 'tokens', 'cost', 'basis', 'tags', 'first'];

export function topTable(rows: TopRow[], by: 'request' | 'trace'): string {
  const title = `The ${count(rows.length)} costliest ${by}s`;
  if (rows.length === 0) return `${title}\nNo ${by}s with usage.`;
  const cells = rows.map((r) => [
    r.id,
    count(r.requests),
    r.models ?? '',
    count(r.tokens),
    r.cost === null ? 'unpriced' : money(r.cost),
    r.basis,
    tagList(r.tags),
    r.first,
  ]);
  return renderTable([by, ...HEAD], cells, { title });
}

/** `{"team":"search","beta":true}` -> `team=search beta=true`: the table has no room for JSON punctuation. */
function tagList(tags: string | null): string {
  if (!tags) return '';
  try {
    return Object.entries(JSON.parse(tags) as Record<string, unknown>)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
  } catch {
    return tags;
  }
}

/** Exact text, as stored: money with every digit, counts without separators. */
export function topCsv(rows: TopRow[], by: 'request' | 'trace'): string {
  return renderCsv(
    [by, ...HEAD],
    rows.map((r) => [r.id, r.requests, r.models, r.tokens, r.cost, r.basis, r.tags, r.first]),
  );
}

/** Counts as numbers, money as exact decimal strings, tags as an object. */
export function topJson(rows: TopRow[]): string {
  return JSON.stringify(
    rows.map((r) => ({
      ...r,
      requests: Number(r.requests),
      tokens: Number(r.tokens),
      tags: r.tags === null ? null : (JSON.parse(r.tags) as unknown),
    })),
    null,
    2,
  );
}

// The costliest requests or traces (analysis/top.ts) as a table, CSV or JSON. Cost is the invoiced share in the
// billing currency where an allocation covers the request, else the price-book estimate (USD); `basis` says which and
// `currency` names it. Each currency is ranked on its own: one table block per currency when there are several.
import type { TopRow } from '../analysis/top.js';
import { count, money } from './format.js';
import { renderCsv, renderTable } from './table.js';

const HEAD = ['requests', 'models', 'tokens', 'cost', 'basis', 'tags', 'first'];

export function topTable(rows: TopRow[], by: 'request' | 'trace'): string {
  if (rows.length === 0) return `The 0 costliest ${by}s\nNo ${by}s with usage.`;
  const currencies = [...new Set(rows.map((r) => r.currency))];
  return currencies
    .map((cur) => {
      const mine = rows.filter((r) => r.currency === cur);
      const title = `The ${count(mine.length)} costliest ${by}s${currencies.length > 1 ? ` in ${cur}` : ''}`;
      const cells = mine.map((r) => [
        r.id,
        count(r.requests),
        r.models ?? '',
        count(r.tokens),
        r.cost === null ? 'unpriced' : money(r.cost, r.currency),
        r.basis,
        tagList(r.tags),
        r.first,
      ]);
      return renderTable([by, ...HEAD], cells, { title });
    })
    .join('\n\n');
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
  const head = [by, 'requests', 'models', 'tokens', 'cost', 'currency', 'basis', 'tags', 'first'];
  return renderCsv(
    head,
    rows.map((r) => [r.id, r.requests, r.models, r.tokens, r.cost, r.currency, r.basis, r.tags, r.first]),
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

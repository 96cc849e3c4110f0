// The printed showback (docs/allocation.md#showback): per billing currency and target, cost, share, tokens by class,
// requests, cost per 1K tokens, cost per request and cache-hit rate; the unallocated line; totals equal to the pool
// of that currency; and, per target, the usage no invoice covers yet at price-book cost (USD: its own basis, its own
// total). Amounts in different currencies are never added: a target billed in two currencies has one line in each.
// One report model, rendered by src/report/showback-render.ts.
import type { Db } from '../../store/duckdb.js';
import { ident } from '../../store/duckdb.js';
import { TOKEN_CLASSES } from '../../usage/schema.js';

export interface ShowbackLine {
  target: string | null;
  kind: 'allocated' | 'unallocated' | 'estimated';
  /** The billing currency of the invoice lines the cost comes from; `USD` (the price book's) for estimated lines. */
  currency: string | null;
  effectiveCost: string;
  billedCost: string;
  /** Share of the line's currency total (invoiced lines) or of the estimated total (estimated lines). */
  share: number | null;
  tokens: Record<string, string>;
  requests: string;
  costPer1kTokens: string | null;
  costPerRequest: string | null;
  cacheHitRate: number | null;
}

const tokenCols = TOKEN_CLASSES.map((c) => `COALESCE(SUM(${ident(c)}), 0)::VARCHAR AS ${ident(c)}`).join(
  ', ',
);
const inputSide = '(input + cache_read + cache_write + cache_write_5m + cache_write_1h)';

/** Builds the showback lines from the run's TEMP tables (alloc_rows, shares, cand, chosen, uagg, pool). */
export async function showbackLines(db: Db): Promise<ShowbackLine[]> {
  const rows = await db.all<Record<string, string | number | null>>(`
    WITH matched AS (
      SELECT DISTINCT c.kv, c.aid, p.cur FROM cand c JOIN chosen ch ON ch.rid = c.rid AND ch.rank = c.rank
        JOIN pool p ON p.rid = c.rid),
    usage_by_kv AS (
      SELECT m.kv, m.cur, ${tokenCols}, COALESCE(SUM(a.reqs), 0)::VARCHAR AS requests,
        COALESCE(SUM(a.input + a.cache_read + a.cache_write + a.cache_write_5m + a.cache_write_1h + a.output), 0) AS all_tokens,
        SUM(a.cache_read)::DOUBLE / NULLIF(SUM(a.input + a.cache_read + a.cache_write + a.cache_write_5m + a.cache_write_1h), 0)::DOUBLE AS hit
      FROM matched m JOIN uagg a ON a.aid = m.aid GROUP BY m.kv, m.cur),
    cost_by_kv AS (
      SELECT BillingCurrency AS cur, AllocatedResourceId AS kv, SUM(EffectiveCost) AS eff, SUM(BilledCost) AS billed
      FROM alloc_rows GROUP BY 1, 2),
    total AS (SELECT cur, SUM(eff) AS t FROM cost_by_kv GROUP BY 1)
    SELECT k.kv AS target, k.cur AS currency, CASE WHEN k.kv IS NULL THEN 'unallocated' ELSE 'allocated' END AS kind,
      k.eff::VARCHAR AS eff, k.billed::VARCHAR AS billed,
      CAST(k.eff AS DOUBLE) / NULLIF(CAST(t.t AS DOUBLE), 0) AS share,
      ${TOKEN_CLASSES.map((c) => `COALESCE(u.${ident(c)}, '0') AS ${ident(c)}`).join(', ')}, COALESCE(u.requests, '0') AS requests,
      CAST(CAST(k.eff AS DOUBLE) * 1000 / NULLIF(u.all_tokens, 0) AS DECIMAL(38,18))::VARCHAR AS per1k,
      CAST(CAST(k.eff AS DOUBLE) / NULLIF(CAST(u.requests AS DOUBLE), 0) AS DECIMAL(38,18))::VARCHAR AS perreq,
      u.hit AS hit
    FROM cost_by_kv k JOIN total t ON t.cur IS NOT DISTINCT FROM k.cur
      LEFT JOIN usage_by_kv u ON u.kv IS NOT DISTINCT FROM k.kv AND u.cur IS NOT DISTINCT FROM k.cur
    ORDER BY k.cur NULLS LAST, k.kv IS NULL, k.eff DESC, k.kv`);
  // Usage no invoice line covers yet (no pool row for its provider and day): estimated per target, beside the
  // invoiced lines and never added to them. Where a gateway (request grain) and a provider report (bucket grain)
  // describe the same day, the requests count.
  const est = await db.all<Record<string, string | number | null>>(`
    WITH uncovered AS (
      SELECT a.* FROM uagg a
      WHERE NOT EXISTS (SELECT 1 FROM pool p WHERE p.provider = a.provider AND a.d >= p.d0 AND a.d < p.d1)
        AND (a.grain = 'request' OR NOT EXISTS (SELECT 1 FROM uagg r WHERE r.grain = 'request' AND r.provider = a.provider AND r.d = a.d)))
    SELECT kv AS target, COALESCE(SUM(est), 0)::VARCHAR AS eff, ${tokenCols}, COALESCE(SUM(reqs), 0)::VARCHAR AS requests,
      COALESCE(SUM(input + cache_read + cache_write + cache_write_5m + cache_write_1h + output), 0) AS all_tokens,
      SUM(cache_read)::DOUBLE / NULLIF(SUM(${inputSide}), 0)::DOUBLE AS hit,
      CAST(SUM(est) AS DOUBLE) / NULLIF(CAST((SELECT SUM(est) FROM uncovered) AS DOUBLE), 0) AS share
    FROM uncovered GROUP BY kv ORDER BY SUM(est) DESC NULLS LAST, kv`);
  const lines: ShowbackLine[] = rows.map((r) => ({
    target: r.target as string | null,
    kind: r.kind as ShowbackLine['kind'],
    currency: r.currency as string | null,
    effectiveCost: String(r.eff),
    billedCost: String(r.billed),
    share: r.share === null ? null : Number(r.share),
    tokens: Object.fromEntries(TOKEN_CLASSES.map((c) => [c, String(r[c])])),
    requests: String(r.requests),
    costPer1kTokens: (r.per1k as string | null) ?? null,
    costPerRequest: (r.perreq as string | null) ?? null,
    cacheHitRate: r.hit === null ? null : Number(r.hit),
  }));
  for (const e of est) {
    const eff = Number(e.eff);
    lines.push({
      target: e.target as string | null,
      kind: 'estimated',
      // the price book's currency
      currency: 'USD',
      effectiveCost: String(e.eff),
      billedCost: '0',
      share: e.share === null ? null : Number(e.share),
      tokens: Object.fromEntries(TOKEN_CLASSES.map((c) => [c, String(e[c])])),
      requests: String(e.requests),
      costPer1kTokens: Number(e.all_tokens) > 0 ? ((eff * 1000) / Number(e.all_tokens)).toFixed(6) : null,
      costPerRequest: Number(e.requests) > 0 ? (eff / Number(e.requests)).toFixed(6) : null,
      cacheHitRate: e.hit === null ? null : Number(e.hit),
    });
  }
  return lines;
}

// View usage_attributed: every usage row with its share of the invoiced cost, read back from the factors the
// allocation runs stored (docs/allocation.md#per-request-cost). It lives beside the split because it must compute a
// row's key value and weight exactly as the run did: the same keys.ts and split.ts SQL, never a second copy.
import { join } from 'node:path';
import { type SharedResource, SharedResourceSchema } from '../../config.js';
import { serviceTierKeySql } from '../../prices/names.js';
import { ident, lit, litList } from '../../store/duckdb.js';
import type { Manifest } from '../../store/manifest.js';
import { TOKEN_CLASSES } from '../../usage/schema.js';
import { targetSql } from './keys.js';
import { usageBandSql, usageContextSql } from './match.js';
import { factorWeightSql } from './split.js';

/**
 * One usage row's share of a target's cost: cost × weight ÷ total weight, each share rounded once to 18 decimals.
 * Integer weights (tokens, requests) multiply exactly in DECIMAL before the one division.
 */
function shareSql(cost: string): string {
  const weight = factorWeightSql('u', 'f');
  const exact = `CAST(${cost} * CAST(${weight} AS DECIMAL(18,0)) AS DOUBLE) / NULLIF(CAST(f.w AS DOUBLE), 0)`;
  const approx = `CAST(${cost} AS DOUBLE) * CAST(${weight} AS DOUBLE) / NULLIF(CAST(f.w AS DOUBLE), 0)`;
  return `CAST(CASE WHEN f.basis = 'est' AND f.level NOT LIKE '%class%' THEN ${approx} ELSE ${exact} END AS DECIMAL(38,18))`;
}

/** The price book's currency: the currency of `cost_estimate`. */
export const ESTIMATE_CURRENCY = 'USD';

/** A usage_attributed row's cost (alias `u`): its invoiced share, else its price-book estimate. */
export const rowCostSql = (u = 'u') => `COALESCE(${u}.attributed_effective_cost, ${u}.cost_estimate)`;

/** The currency of {@link rowCostSql}: the invoices' billing currency, else the price book's (USD). */
export const rowCurrencySql = (u = 'u') =>
  `CASE WHEN ${u}.attributed_effective_cost IS NULL THEN '${ESTIMATE_CURRENCY}' ELSE ${u}.attributed_currency END`;

/**
 * The GPU-pool shares of a group of runs (`allocate --method x-gpu-time-v1`, gpu-pools.ts): a factor holds a target's
 * part of one cluster charge; each request of that target whose model the cluster serves, in an hour that starts
 * inside the charge's period, takes the part × its weighted tokens ÷ the target's weighted tokens there (`gpu_tok`).
 * The `(idle)` target has no requests: its cost stays on the allocated row only.
 */
function gpuPartSql(factors: string, keys: string[], rules: SharedResource[], runs: string[]): string {
  const tok = TOKEN_CLASSES.map((c) =>
    c === 'output'
      ? `CAST(COALESCE(u.output, 0) AS DOUBLE) * f.output_weight`
      : `CAST(COALESCE(u.${ident(c)}, 0) AS DOUBLE)`,
  ).join(' + ');
  const share = (cost: string) =>
    `CAST(CAST(${cost} AS DOUBLE) * (${tok}) / NULLIF(f.gpu_tok, 0) AS DECIMAL(38,18))`;
  const hour = `date_trunc('hour', u."timestamp")`;
  return `SELECT u.source_id, u.request_id, u.trace_id, f.cur,
        SUM(${share('f.effective_cost')}) AS eff, SUM(${share('f.billed_cost')}) AS billed
      FROM usage u JOIN ${factors} f ON f.run_id IN (${runs.map(lit).join(', ')}) AND f.level = 'gpu-time'
        AND ${hour} >= f.t0 AND ${hour} < f.t1
        AND (list_contains(f.served, lower(u.model)) OR list_contains(f.served, lower(u.model_raw)))
        AND ${targetSql(keys, 'u', rules)} = f.kv
      GROUP BY ALL`;
}

/**
 * SQL of usage_attributed over the views `usage` and `focus`: Σ over the origin rows a usage row matched of the
 * target's allocated cost × the row's weight ÷ the target's total weight, per billing currency of those origin rows
 * (`attributed_currency`; amounts in different currencies are never added). Shares are computed in double precision
 * and rounded to 18 decimals; Σ over rows equals the allocation up to that rounding. Rows no invoice line matched
 * have NULL attributed costs and currency and `attribution` = 'estimated'. A usage row whose matched invoice lines
 * are billed in several currencies (one provider billing two accounts in two currencies on the same day) appears once
 * per currency, each row with that currency's share: count requests with `count(DISTINCT request_id)` there.
 */
export function usageAttributedSql(home: string, manifest: Manifest): string {
  const files = manifest.files.filter((f) => f.dataset === 'allocation-factors');
  const plain = `SELECT u.*, NULL::DECIMAL(38,18) AS attributed_effective_cost, NULL::DECIMAL(38,18) AS attributed_billed_cost,
    NULL::VARCHAR AS attributed_currency, 'estimated' AS attribution FROM usage u`;
  if (files.length === 0) return plain;
  // runs group by what decides a usage row's target: the keys and the shared-resource rules they applied
  const groups = new Map<string, { keys: string[]; rules: SharedResource[]; runs: string[] }>();
  for (const r of manifest.allocations) {
    const rules = SharedResourceSchema.array().parse(r.sharedResources ?? []);
    const id = JSON.stringify([r.keys, rules]);
    const g = groups.get(id) ?? { keys: r.keys, rules, runs: [] };
    g.runs.push(r.runId);
    groups.set(id, g);
  }
  // by name: factor files written before the context-window column (band) read it as NULL, which matches any usage;
  // before the price columns (pd, ctx, ctx_upto, stier) as NULL: the line was split by plain tokens.
  // each factor's currency is its origin invoice line's BillingCurrency (the factors are few: joined before usage)
  const factors = `(SELECT f.*, o.BillingCurrency AS cur FROM
      (SELECT * FROM read_parquet(${litList(files.map((f) => join(home, f.path)))}, hive_partitioning = false, union_by_name = true)
       UNION ALL BY NAME SELECT NULL::VARCHAR AS band, NULL::DATE AS pd, NULL::BIGINT AS ctx, NULL::BIGINT AS ctx_upto,
         NULL::VARCHAR AS stier, NULL::TIMESTAMPTZ AS t0, NULL::TIMESTAMPTZ AS t1, NULL::VARCHAR[] AS served,
         NULL::DOUBLE AS gpu_tok WHERE false) f
    LEFT JOIN (SELECT x_RowId, BillingCurrency FROM focus) o ON o.x_RowId = f.origin_row_id)`;
  // a factor of a price-weighted class line holds the part of the cost paid at one price (day, context bucket,
  // service tier): only the requests that paid that price share it, by tokens
  const size = usageContextSql('u');
  const samePrice = `(f.ctx IS NULL OR (u."date" = f.pd AND ${serviceTierKeySql('u.service_tier')} = f.stier
    AND ${size} > f.ctx AND ${size} <= f.ctx_upto))`;
  const parts = [...groups.values()].map(
    ({ keys, rules, runs }) => `SELECT u.source_id, u.request_id, u.trace_id, f.cur,
        SUM(${shareSql('f.effective_cost')}) AS eff,
        SUM(${shareSql('f.billed_cost')}) AS billed
      FROM usage u JOIN ${factors} f ON f.run_id IN (${runs.map(lit).join(', ')}) AND f.provider = u.provider AND f.grain = u.grain
        AND f.level <> 'gpu-time'
        AND u."date" >= f.d0 AND u."date" < f.d1
        AND (f.level LIKE 'provider+day%' OR u.model = f.model)
        AND (f.level <> 'model+class+day+scope' OR COALESCE(u.project_id, u.workspace_id) = f.scope)
        AND (f.level NOT LIKE '%class%' OR f.band IS NULL OR (${usageBandSql('u')}) IS NULL OR (${usageBandSql('u')}) = f.band)
        AND ${samePrice}
        AND ${targetSql(keys, 'u', rules)} = f.kv
      GROUP BY ALL
      UNION ALL
      ${gpuPartSql(factors, keys, rules, runs)}`,
  );
  return `SELECT u.*, c.eff AS attributed_effective_cost, c.billed AS attributed_billed_cost, c.cur AS attributed_currency,
      CASE WHEN c.eff IS NULL THEN 'estimated' ELSE 'invoiced' END AS attribution
    FROM usage u LEFT JOIN (SELECT source_id, request_id, trace_id, cur, SUM(eff) AS eff, SUM(billed) AS billed
      FROM (${parts.join('\nUNION ALL\n')}) GROUP BY ALL) c
      ON c.source_id = u.source_id AND c.request_id = u.request_id AND c.trace_id IS NOT DISTINCT FROM u.trace_id`;
}

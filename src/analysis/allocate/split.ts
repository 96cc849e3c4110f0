// The split (docs/allocation.md#split-and-conservation): per pool row, each target's weight → an exact ratio (18
// decimals, residue to the largest share) → FOCUS 1.3 allocated rows whose cost columns and quantities sum to the
// origin row exactly.
import { focusStoredColumns, X_ALLOCATED_COLUMNS } from '../../focus/schema.js';
import { jsonKeyPath } from '../../sql.js';
import type { Db } from '../../store/duckdb.js';
import { ident, lit } from '../../store/duckdb.js';
import { TOKEN_CLASSES } from '../../usage/schema.js';
import { weightSql } from './match.js';
import { METHODS, type MethodId } from './methods.js';

/** Metrics that must sum to the origin row (aggregatable, FOCUS split-allocation rule 1). */
export const COST_COLUMNS = [
  'BilledCost',
  'EffectiveCost',
  'ListCost',
  'ContractedCost',
  'PricingCurrencyEffectiveCost',
];
export const QUANTITY_COLUMNS = ['ConsumedQuantity', 'PricingQuantity', 'CommitmentDiscountQuantity'];

/**
 * Creates TEMP table `shares(rid, kv, k0.., level, grain, basis, w, tok, reqs, n, mixed, ratio, is_top, usage_qty)`,
 * including one unallocated row (kv NULL, ratio 1) per pool row that matched no usage. `mixed`: the target's matched
 * usage met more than one price (day, context bucket or service tier).
 */
export async function computeShares(db: Db, keys: string[], method: MethodId): Promise<void> {
  const kcols = keys.map((_, i) => ident(`k${i}`));
  const weight =
    method === 'x-fixed-v1' ? 'COALESCE(any_value(fw.weight), 0)' : `SUM(${weightSql(method, 'ch.basis')})`;
  const fixedJoin = method === 'x-fixed-v1' ? 'LEFT JOIN fixed_weights fw ON fw.kv = c.kv' : '';
  await db.run(`CREATE OR REPLACE TEMP TABLE per_key AS
    SELECT c.rid, c.kv, ${kcols.map((k) => `any_value(c.${k}) AS ${k}`).join(', ')}${kcols.length ? ',' : ''}
      ch.level, ch.grain, ch.basis, CAST(${weight} AS DECIMAL(38,18)) AS w,
      SUM(c.w_tok) AS tok, SUM(c.w_reqs) AS reqs, SUM(c.n) AS n,
      min(c.ctx) <> max(c.ctx) OR min(c.stier) <> max(c.stier) OR min(c.d) <> max(c.d) AS mixed
    FROM cand c JOIN chosen ch ON ch.rid = c.rid AND ch.rank = c.rank ${fixedJoin}
    GROUP BY c.rid, c.kv, ch.level, ch.grain, ch.basis`);
  const unit = METHODS[method].usageUnit;
  const usageQty = unit === 'Tokens' ? 'tok' : unit === 'Requests' ? 'reqs' : 'w';
  // ratios rounded to 18 decimals, the residue to the largest share (ties: the smallest key value); grouped totals
  // joined back, not windows over every share (several times faster for high-cardinality keys)
  await db.run(`CREATE OR REPLACE TEMP TABLE share_tot AS
    SELECT rid, SUM(w) AS w_total, MAX(w) AS w_max FROM per_key GROUP BY rid HAVING SUM(w) > 0`);
  await db.run(`CREATE OR REPLACE TEMP TABLE shares AS
    SELECT p.rid, p.kv, ${kcols.map((k) => `p.${k}, `).join('')}p.level, p.grain, p.basis, p.w, p.tok, p.reqs, p.n, p.mixed,
      CAST(CAST(p.w AS DOUBLE) / CAST(t.w_total AS DOUBLE) AS DECIMAL(38,18)) AS ratio,
      p.kv = top.kv AS is_top, CAST(p.${usageQty} AS DECIMAL(38,18)) AS usage_qty
    FROM per_key p JOIN share_tot t ON t.rid = p.rid
      JOIN (SELECT p.rid, MIN(p.kv) AS kv FROM per_key p JOIN share_tot t ON t.rid = p.rid AND p.w = t.w_max GROUP BY p.rid) top
        ON top.rid = p.rid
    UNION ALL BY NAME
    SELECT rid, NULL::VARCHAR AS kv, 'unmatched' AS level, NULL::VARCHAR AS grain, NULL::VARCHAR AS basis,
      0::DECIMAL(38,18) AS w, 0::HUGEINT AS tok, 0::HUGEINT AS reqs, 0::HUGEINT AS n, false AS mixed, 1::DECIMAL(38,18) AS ratio,
      true AS is_top, NULL::DECIMAL(38,18) AS usage_qty
    FROM pool WHERE rid NOT IN (SELECT rid FROM share_tot)`);
  await db.run(`UPDATE shares SET ratio = shares.ratio + r.residue
    FROM (SELECT rid, 1 - SUM(ratio) AS residue FROM shares GROUP BY rid) r
    WHERE shares.is_top AND shares.rid = r.rid AND r.residue <> 0`);
}

/**
 * Creates TEMP table `alloc_money`, the run's money, narrow: per share row (origin, target) each metric's part of the
 * origin row, and the rounding residue added to the largest share so the parts sum to the origin exactly. `o` is the
 * pool's FOCUS rows. (A grouped residue joined back is several times faster than a window over every part.)
 */
async function createAllocatedMoney(db: Db, keys: string[]): Promise<void> {
  const metrics = [...COST_COLUMNS, ...QUANTITY_COLUMNS];
  await db.run(`CREATE OR REPLACE TEMP TABLE alloc_money AS
    SELECT s.rid, s.kv, ${keys.map((_, i) => `s.${ident(`k${i}`)}, `).join('')}s.level, s.ratio, s.usage_qty, s.is_top,
      ${metrics.map((m) => `CAST(CAST(o.${ident(m)} AS DOUBLE) * CAST(s.ratio AS DOUBLE) AS DECIMAL(38,18)) AS ${ident(m)}`).join(',\n      ')}
    FROM shares s JOIN pool_focus o ON o.x_RowId = s.rid`);
  await db.run(`UPDATE alloc_money SET ${metrics.map((m) => `${ident(m)} = alloc_money.${ident(m)} + r.${ident(m)}`).join(', ')}
    FROM (SELECT a.rid, ${metrics.map((m) => `any_value(o.${ident(m)}) - SUM(a.${ident(m)}) AS ${ident(m)}`).join(', ')}
          FROM alloc_money a JOIN pool_focus o ON o.x_RowId = a.rid GROUP BY a.rid) r
    WHERE alloc_money.is_top AND alloc_money.rid = r.rid`);
}

/**
 * The SELECT of allocated rows for the run, over the narrow money (`alloc_money`) and the pool's FOCUS rows
 * (`pool_focus`): origin dimensions, unit prices and Tags copied unchanged; metrics from the money; Allocated*
 * columns set; lineage in x_OriginRowId, x_MatchLevel, x_AllocationRunId. Kept as a view: only the Parquet writer
 * reads every column, the checks and the showback read a few.
 */
function allocatedRowsSql(keys: string[], method: MethodId, runId: string): string {
  const unit = METHODS[method].usageUnit;
  const metrics = new Set([...COST_COLUMNS, ...QUANTITY_COLUMNS]);
  const details = `CASE WHEN s.kv IS NULL THEN '{"Elements":[{"AllocatedRatio":1}]}'
    ELSE '{"Elements":[{"AllocatedRatio":' || CAST(s.ratio AS VARCHAR) || ',"UsageUnit":${unit === 'Tokens' ? '"Tokens"' : `"${unit}"`},"UsageQuantity":' || CAST(s.usage_qty AS VARCHAR) || '}]}' END`;
  // the keys and values not already in the origin's Tags; an untagged value is no tag (FOCUS: NULL when empty)
  const pairs = keys.map((k, i) => ({
    has: `json_exists(COALESCE(o.Tags, '{}'), ${jsonKeyPath(k)})`,
    pair: `${lit(k)}, s.${ident(`k${i}`)}`,
    value: `s.${ident(`k${i}`)}`,
  }));
  const tags =
    keys.length === 1
      ? `CASE WHEN ${pairs[0]!.value} IS NULL OR ${pairs[0]!.has} THEN NULL ELSE CAST(json_object(${pairs[0]!.pair}) AS VARCHAR) END`
      : `NULLIF(CAST(${pairs.reduce(
          (acc, p) =>
            `CASE WHEN ${p.has} THEN ${acc} ELSE json_merge_patch(${acc}, json_object(${p.pair})) END`,
          `'{}'::JSON`,
        )} AS VARCHAR), '{}')`;
  const stored = [...focusStoredColumns(), ...X_ALLOCATED_COLUMNS.map((c) => ({ name: c.id, type: c.type }))];
  const replaced: Record<string, string> = {
    AllocatedMethodId: lit(method),
    AllocatedMethodDetails: details,
    AllocatedResourceId: 's.kv',
    AllocatedResourceName: 's.kv',
    AllocatedTags: `CASE WHEN s.kv IS NULL THEN NULL ELSE ${tags} END`,
    x_RowId: `md5(o.x_RowId || '|' || COALESCE(s.kv, '(unallocated)'))`,
    x_OriginRowId: 'o.x_RowId',
    x_MatchLevel: 's.level',
    x_AllocationRunId: lit(runId),
  };
  const cols = stored
    .map((c) => {
      if (c.name in replaced) return `CAST(${replaced[c.name]} AS ${c.type}) AS ${ident(c.name)}`;
      if (metrics.has(c.name)) return `s.${ident(c.name)}`;
      return `o.${ident(c.name)}`;
    })
    .join(', ');
  return `SELECT ${cols} FROM alloc_money s JOIN pool_focus o ON o.x_RowId = s.rid`;
}

/**
 * Creates the run's allocated rows from `shares` and `pool`: TEMP table `pool_focus` (the pool's FOCUS rows), TEMP
 * table `alloc_money` (the narrow money) and TEMP view `alloc_rows` (the FOCUS 1.3 rows written to Parquet).
 */
export async function createAllocatedRows(
  db: Db,
  keys: string[],
  method: MethodId,
  runId: string,
): Promise<void> {
  await db.run(
    'CREATE OR REPLACE TEMP TABLE pool_focus AS SELECT * FROM focus WHERE x_RowId IN (SELECT rid FROM pool)',
  );
  await createAllocatedMoney(db, keys);
  await db.run(`CREATE OR REPLACE TEMP VIEW alloc_rows AS ${allocatedRowsSql(keys, method, runId)}`);
}

/**
 * What a GPU run's factor adds (gpu-pools.ts): the charge's time range, the models its cluster serves and the
 * target's weighted tokens served in that range. A request's share of the factor's cost is its own weighted tokens
 * over those (usage_attributed), the same tokens the allocation split the busy GPU-hours by.
 */
const GPU_FACTOR_COLUMNS = `, gr.t0, gr.t1, gs.served, gt.tok AS gpu_tok`;
const GPU_FACTOR_JOINS = `
      LEFT JOIN gpu_rows gr ON gr.rid = s.rid LEFT JOIN gpu_served gs ON gs.cluster = gr.cluster
      LEFT JOIN (SELECT rid, kv, SUM(tok) AS tok FROM gpu_use GROUP BY ALL) gt ON gt.rid = s.rid AND gt.kv = s.kv`;

/**
 * The per-(origin, target) factors that `usage_attributed` applies to each usage row. After a shared-resource split
 * the factors keep the targets as matched (`shares_src`: the maintenance marker holds its own usage rows), with each
 * target's cost the origin cost × its ratio (usage_attributed is exact only to its double-precision shares anyway).
 */
export function factorsSql(
  keys: string[],
  method: MethodId,
  runId: string,
  outputWeight: number,
  splitShared = false,
): string {
  const cost = (m: string) =>
    splitShared ? `CAST(CAST(o.${m} AS DOUBLE) * CAST(s.ratio AS DOUBLE) AS DECIMAL(38,18))` : `al.${m}`;
  // the part of a target's cost its tokens at one price took (all of it when they met one price)
  const tierCost = (m: string) =>
    `CASE WHEN tp.rid IS NULL OR tp.w_est = s.w THEN ${cost(m)}
      ELSE CAST(CAST(${cost(m)} AS DOUBLE) * CAST(tp.w_est AS DOUBLE) / CAST(s.w AS DOUBLE) AS DECIMAL(38,18)) END`;
  const costs = `${tierCost('EffectiveCost')} AS effective_cost, ${tierCost('BilledCost')} AS billed_cost,
      strftime(o.BillingPeriodStart, '%Y-%m') AS period`;
  const from = splitShared
    ? 'shares_src s JOIN pool p ON p.rid = s.rid JOIN focus o ON o.x_RowId = s.rid'
    : 'shares s JOIN pool p ON p.rid = s.rid JOIN pool_focus o ON o.x_RowId = s.rid JOIN alloc_money al ON al.rid = s.rid AND al.kv IS NOT DISTINCT FROM s.kv';
  // A class-level line split by price-weighted tokens (docs/allocation.md#per-request-cost): a target whose tokens all
  // met one price shares its cost by plain tokens (the price cancels); one that met several gets one factor per price
  // (day, context bucket, service tier) holding that price's part of the cost and its tokens, so usage_attributed
  // shares each part by tokens among the requests that paid that price.
  const classEst = `s.basis = 'est' AND s.level LIKE '%class%'`;
  const gpu = method === 'x-gpu-time-v1';
  const tiers = `(SELECT c.rid, c.kv, c.d AS pd, c.ctx, c.ctx_upto, c.stier, SUM(c.w_tok) AS tok, CAST(SUM(c.w_est) AS DECIMAL(38,18)) AS w_est
      FROM cand c JOIN chosen ch ON ch.rid = c.rid AND ch.rank = c.rank
      WHERE (c.rid, c.kv) IN (SELECT rid, kv FROM ${splitShared ? 'shares_src' : 'shares'} s WHERE s.mixed AND ${classEst})
      GROUP BY ALL)`;
  return `SELECT s.rid AS origin_row_id, s.kv, s.level, s.grain, s.basis, ${lit(method)} AS method,
      ${lit(JSON.stringify(keys))} AS keys, ${outputWeight}::DOUBLE AS output_weight,
      p.provider, p.model, p.cls, p.scope, p.band, p.d0, p.d1,
      CASE WHEN ${lit(method)} = 'x-fixed-v1' THEN CAST(s.n AS DECIMAL(38,18))
        WHEN tp.rid IS NOT NULL THEN CAST(GREATEST(tp.tok, 1) AS DECIMAL(38,18))
        WHEN ${classEst} THEN CAST(s.tok AS DECIMAL(38,18)) ELSE s.w END AS w,
      tp.pd, tp.ctx, tp.ctx_upto, tp.stier,
      ${costs}, ${lit(runId)} AS run_id${gpu ? GPU_FACTOR_COLUMNS : ''}
    FROM ${from}
      LEFT JOIN ${tiers} tp ON tp.rid = s.rid AND tp.kv = s.kv${gpu ? GPU_FACTOR_JOINS : ''}
    WHERE s.kv IS NOT NULL`;
}

/** Tokens of a usage row (alias `u`) for a factor (alias `f`): its class at class levels, else all classes. */
export function factorWeightSql(u = 'u', f = 'f'): string {
  const byClass = TOKEN_CLASSES.map((c) => `WHEN ${lit(c)} THEN ${u}.${ident(c)}`).join(' ');
  const all = TOKEN_CLASSES.filter((c) => c !== 'output')
    .map((c) => `${u}.${ident(c)}`)
    .join(' + ');
  const tokens = `CASE WHEN ${f}.level LIKE '%class%' THEN (CASE ${f}.cls ${byClass} ELSE 0 END) ELSE ${all} + ${u}.output * ${f}.output_weight END`;
  return `CASE
    WHEN ${f}.method = 'x-fixed-v1' THEN 1
    WHEN ${f}.basis = 'reqs' THEN COALESCE(${u}.request_count, 1)
    WHEN ${f}.basis = 'est' AND ${f}.level NOT LIKE '%class%' THEN COALESCE(CAST(${u}.cost_estimate AS DOUBLE), 0)
    ELSE ${tokens} END`;
}

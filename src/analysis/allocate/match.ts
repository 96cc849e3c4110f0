// Matching invoice lines (pools) to usage (docs/allocation.md#matching): the same provider, model (canonical ids on
// both sides), token class and UTC day, and account scope where both carry it, falling back to coarser keys.
// Request-grain usage (at any level) is preferred over bucket-grain usage, which serves pool rows no gateway or trace
// request matches. The level and grain used are recorded per pool row.
import type { SharedResource } from '../../config.js';
import { serviceTierKeySql, tokenRowProviderSql } from '../../prices/names.js';
import type { Db } from '../../store/duckdb.js';
import { ident, lit } from '../../store/duckdb.js';
import { TOKEN_CLASSES } from '../../usage/schema.js';
import { buildGpuCandidates, type GpuPoolOptions } from './gpu-pools.js';
import { keyValueSql, targetFromValuesSql } from './keys.js';
import { classTokensSql, type MethodId } from './methods.js';
import { type Period, periodFilter } from './period.js';

/**
 * A class-level invoice line priced for one context window (Anthropic's cost report itemizes `0-200k` and `200k-1M`
 * lines, carried in SkuPriceDetails.ContextWindow) matches only usage of that window: long-context tokens cost
 * twice as much, so spreading the long-context line over short requests would misattribute it. Either side unknown
 * matches anything.
 */
const SAME_BAND = '(p.band IS NULL OR a.band IS NULL OR a.band = p.band)';

/** A pool row's context window, from SkuPriceDetails (NULL when it names none). */
export const POOL_BAND_SQL = `CASE WHEN json_valid(SkuPriceDetails) THEN json_extract_string(SkuPriceDetails, '$.ContextWindow') END`;

/**
 * A usage row's context window in the same spelling: a request's own size (input incl. cache above 200k tokens, the
 * threshold of the models whose invoices itemize it); a bucket's from the source's `context_window` tag.
 */
export function usageBandSql(u: string): string {
  const size = ['input', 'cache_read', 'cache_write_5m', 'cache_write_1h', 'cache_write']
    .map((c) => `COALESCE(${u}.${ident(c)}, 0)`)
    .join(' + ');
  return `CASE WHEN ${u}.grain = 'request' THEN (CASE WHEN ${size} > 200000 THEN '200k-1M' ELSE '0-200k' END)
    ELSE json_extract_string(${u}.tags, '$.context_window') END`;
}

/**
 * A usage row's context size for long-context tiers, as the ingest prices it (src/normalize/enrich.ts): a request's
 * input incl. cache; a bucket is base tier unless its `context_window` tag names the long window.
 */
export function usageContextSql(u: string): string {
  const size = ['input', 'cache_read', 'cache_write_5m', 'cache_write_1h', 'cache_write']
    .map((c) => `COALESCE(${u}.${ident(c)}, 0)`)
    .join(' + ');
  return `(CASE WHEN ${u}.grain = 'request' THEN ${size}
    WHEN json_extract_string(${u}.tags, '$.context_window') LIKE '200k%' THEN 200001 ELSE 0 END)`;
}

/**
 * The long-context thresholds of the installed price book (`price_lookup`, prices/sql.ts), ascending. Every model's thresholds are among them, so the bucket a
 * request falls in between two consecutive thresholds decides its tier for every model: usage is grouped by bucket,
 * never joined per row.
 */
async function contextThresholds(db: Db): Promise<string[]> {
  const rows = await db.all<{ t: string }>(
    'SELECT DISTINCT context_above::VARCHAR AS t, context_above FROM price_lookup WHERE context_above >= 0 ORDER BY context_above',
  );
  return rows.map((r) => r.t);
}

const MAX_CONTEXT = '9223372036854775807';

/** The bucket of a context size: the highest threshold it is above, else -1 (the base tier). */
function contextBucketSql(size: string, thresholds: readonly string[]): string {
  if (thresholds.length === 0) return '-1::BIGINT';
  const arms = [...thresholds].reverse().map((t) => `WHEN ${size} > ${t} THEN ${t}`);
  return `(CASE ${arms.join(' ')} ELSE -1 END)::BIGINT`;
}

/** The upper end of a bucket (inclusive): the next threshold, or the largest BIGINT. */
function contextUptoSql(bucket: string, thresholds: readonly string[]): string {
  const lows = ['-1', ...thresholds];
  const arms = lows.map((t, i) => `WHEN ${t} THEN ${thresholds[i] ?? MAX_CONTEXT}`);
  return `(CASE ${bucket} ${arms.join(' ')} END)::BIGINT`;
}

/**
 * Match levels from finest to coarsest (docs/allocation.md#matching). `cls`: the pool row's token class selects the
 * usage tokens. A coarser level only drops what the invoice line lacks: a line naming a model matches usage of that
 * model only; provider+day serves lines with no model (unitemized lines, non-token charges). With `fallback`, a line
 * whose model has no usage that day is spread over the provider's usage of the day as its own, labelled level.
 */
export function matchLevels(fallback: 'none' | 'provider' = 'none') {
  return [
    {
      id: 'model+class+day+scope',
      cls: true,
      pred: `a.model = p.model AND p.cls IS NOT NULL AND p.scope IS NOT NULL AND a.scope = p.scope AND ${SAME_BAND}`,
    },
    { id: 'model+class+day', cls: true, pred: `a.model = p.model AND p.cls IS NOT NULL AND ${SAME_BAND}` },
    { id: 'model+day', cls: false, pred: 'a.model = p.model' },
    { id: 'provider+day', cls: false, pred: 'p.model IS NULL' },
    ...(fallback === 'provider'
      ? [{ id: 'provider+day (fallback)', cls: false, pred: 'p.model IS NOT NULL' }]
      : []),
  ] as const;
}

/** The default levels (no fallback), for readers that only need their ids. */
export const LEVELS = matchLevels();

const GRAINS = ['request', 'bucket'] as const;

/**
 * Creates TEMP tables `pool` (allocatable focus rows of record, with their billing currency `cur`), `uagg` (usage aggregated per target) and
 * `cand` (every pool × usage pairing at every level and grain, with its weights).
 */
export async function buildCandidates(
  db: Db,
  keys: string[],
  method: MethodId,
  period: Period,
  opts: {
    outputWeight: number;
    fallback?: 'none' | 'provider';
    rules?: readonly SharedResource[];
    /** x-gpu-time-v1: the GPU clusters and the idle policy (gpu-pools.ts builds the pool and candidates). */
    gpu?: Pick<GpuPoolOptions, 'clusters' | 'idle'>;
  },
): Promise<void> {
  const rules = opts.rules ?? [];
  if (method === 'x-gpu-time-v1')
    return buildGpuCandidates(db, keys, period, {
      clusters: opts.gpu?.clusters ?? [],
      idle: opts.gpu?.idle ?? 'separate',
      outputWeight: opts.outputWeight,
      rules,
    });
  const levels = matchLevels(opts.fallback);
  await db.run(`CREATE OR REPLACE TEMP TABLE pool AS
    SELECT x_RowId AS rid, ${tokenRowProviderSql('ServiceProviderName', 'x_TokenClass')} AS provider, x_Model AS model,
      CASE WHEN x_TokenClass IN (${TOKEN_CLASSES.map(lit).join(', ')}) THEN x_TokenClass END AS cls,
      CAST(ChargePeriodStart AS DATE) AS d0,
      GREATEST(CAST(ChargePeriodEnd AS DATE), CAST(ChargePeriodStart AS DATE) + 1) AS d1,
      x_ProjectId AS scope, ${POOL_BAND_SQL} AS band, BillingCurrency AS cur
    FROM focus
    WHERE (x_CostSource IN ('cost-report', 'invoice') OR ServiceCategory = 'AI and Machine Learning')
      AND ChargeCategory = 'Usage' AND ${periodFilter('CAST(ChargePeriodStart AS DATE)', period)}`);

  // each key's value is computed once per usage row (JSON extraction is the cost at 10M rows); the target after
  const keyCols = keys.map((k, i) => `${keyValueSql(k, 'u', rules)} AS ${ident(`k${i}`)}`).join(', ');
  const target = targetFromValuesSql(
    keys,
    keys.map((_, i) => ident(`k${i}`)),
  );
  // Per group also its context bucket and service tier (what decides a request's price tier) and, from the book,
  // each class's price there: class-level weights are tokens x that price (docs/allocation.md#methods).
  const priced = await hasPriceBook(db);
  const thresholds = priced ? await contextThresholds(db) : [];
  const sums = TOKEN_CLASSES.map((c) => `SUM(${ident(c)})::HUGEINT AS ${ident(c)}`).join(', ');
  const grouped = `SELECT grain, provider, model, "date" AS d, COALESCE(project_id, workspace_id) AS scope, ${usageBandSql('u')} AS band,
      ${contextBucketSql(usageContextSql('u'), thresholds)} AS ctx, u.service_tier AS stier_raw, ${keyCols},
      ${sums}, SUM(cost_estimate) AS est, SUM(COALESCE(request_count, 1))::HUGEINT AS reqs, count(*)::HUGEINT AS n
    FROM usage u
    WHERE ${periodFilter('"date"', period)}
    GROUP BY ALL`;
  // the service tier's key after aggregation (a few raw spellings), not per usage row
  const tiered = `SELECT * EXCLUDE (stier_raw), ${serviceTierKeySql('stier_raw')} AS stier FROM (${grouped})`;
  // tokens x price per class (NULL: tokens without a price; 0: no tokens); BIGINT-scale counts as DECIMAL(20,0)
  const pricedCols = TOKEN_CLASSES.map((c) => {
    const pw = `CASE WHEN COALESCE(g.${ident(c)}, 0) = 0 THEN 0::DECIMAL(38,18) WHEN tp.${ident(c)} IS NULL THEN NULL
        ELSE CAST(CAST(g.${ident(c)} AS DECIMAL(20,0)) * tp.${ident(c)} AS DECIMAL(38,18)) END`;
    return `${pw} AS ${ident(`pw_${c}`)}`;
  }).join(', ');
  // the price lookup runs on the distinct (provider, model, day, bucket, tier) keys, a few thousand, not on every
  // aggregate: its range conditions made the join of all aggregates cost more than the aggregation
  await db.run(`CREATE OR REPLACE TEMP TABLE uagg_g AS ${tiered}`);
  await db.run(
    priced
      ? `CREATE OR REPLACE TEMP TABLE uagg_p AS
        SELECT k.*, ${TOKEN_CLASSES.map((c) => `pl.${ident(c)}`).join(', ')}
        FROM (SELECT DISTINCT provider, model, d, ctx, stier FROM uagg_g) k LEFT JOIN price_lookup pl
          ON pl.provider = k.provider AND pl.alias = lower(k.model) AND pl.tier = k.stier
          AND CAST(k.d AS TIMESTAMPTZ) >= pl.valid_from AND CAST(k.d AS TIMESTAMPTZ) < pl.valid_to
          AND pl.context_above < k.ctx + 1 AND k.ctx + 1 <= pl.context_upto`
      : `CREATE OR REPLACE TEMP TABLE uagg_p AS SELECT DISTINCT provider, model, d, ctx, stier,
          ${TOKEN_CLASSES.map((c) => `NULL::DECIMAL(38,18) AS ${ident(c)}`).join(', ')} FROM uagg_g`,
  );
  await db.run(`CREATE OR REPLACE TEMP TABLE uagg AS SELECT row_number() OVER () AS aid, *, ${target} AS kv FROM (
    SELECT g.*, ${contextUptoSql('g.ctx', thresholds)} AS ctx_upto, ${pricedCols}
    FROM uagg_g g LEFT JOIN uagg_p tp ON tp.provider = g.provider AND tp.model = g.model AND tp.d = g.d
      AND tp.ctx = g.ctx AND tp.stier = g.stier)`);
  await db.run('DROP TABLE uagg_g');
  await db.run('DROP TABLE uagg_p');

  const tok = classTokensSql('a', 'p', opts.outputWeight);
  const positive = positiveSql(method);
  // Rank by rank, only pool rows no finer rank matched join again: coarse levels (provider+day) would otherwise pair
  // every invoice line with every usage group of its day.
  await db.run('CREATE OR REPLACE TEMP TABLE matched (rid VARCHAR)');
  let first = true;
  for (const [gi, grain] of GRAINS.entries()) {
    for (const [li, lvl] of levels.entries()) {
      // request grain at any level before bucket grain (docs/allocation.md#matching), finest level first within a grain
      const rank = gi * levels.length + li;
      const select = `SELECT p.rid, a.aid, ${rank} AS rank, ${lit(lvl.id)} AS level, ${lit(grain)} AS grain, a.kv,
          ${keys.map((_, i) => `a.${ident(`k${i}`)}`).join(', ')},
          a.d, a.scope AS ascope, a.model AS amodel,
          ${tok} AS w_tok,
          ${lvl.cls ? classPricedSql('a', 'p') : 'COALESCE(a.est, 0)'} AS w_est,
          a.ctx, a.ctx_upto, a.stier,
          a.reqs AS w_reqs, a.n AS n,
          ${TOKEN_CLASSES.map((c) => `a.${ident(c)}`).join(', ')}
        FROM (SELECT *, ${lvl.cls} AS lvl_class FROM pool WHERE rid NOT IN (SELECT rid FROM matched)) p
        JOIN uagg a ON a.provider = p.provider AND a.d >= p.d0 AND a.d < p.d1 AND a.grain = ${lit(grain)} AND ${lvl.pred}`;
      await db.run(`CREATE OR REPLACE TEMP TABLE cand_r AS ${select}`);
      // keep only the pool rows this rank serves (positive weight); the others try the next rank
      await db.run(`CREATE OR REPLACE TEMP TABLE cand_ok AS
        SELECT * FROM cand_r WHERE rid IN (SELECT rid FROM cand_r GROUP BY rid HAVING ${positive})`);
      await db.run(
        first
          ? 'CREATE OR REPLACE TEMP TABLE cand AS SELECT * FROM cand_ok'
          : 'INSERT INTO cand SELECT * FROM cand_ok',
      );
      await db.run('INSERT INTO matched SELECT DISTINCT rid FROM cand_ok');
      first = false;
    }
  }
}

/** Whether the price tables are installed (the allocation run installs them; without, class weights are tokens). */
async function hasPriceBook(db: Db): Promise<boolean> {
  const has = await db.one<{ n: number | bigint }>(
    `SELECT count(*) AS n FROM duckdb_tables() WHERE table_name = 'price_lookup' AND temporary`,
  );
  return Number(has?.n ?? 0) > 0;
}

/** The pool row's class of aggregate `a` priced at the aggregate's tier (NULL: its tokens have no price). */
function classPricedSql(a: string, p: string): string {
  return `(CASE ${p}.cls ${TOKEN_CLASSES.map((c) => `WHEN ${lit(c)} THEN ${a}.${ident(`pw_${c}`)}`).join(' ')} ELSE 0 END)`;
}

function positiveSql(method: MethodId): string {
  return method === 'x-even-v1' || method === 'x-fixed-v1'
    ? 'SUM(w_reqs) > 0'
    : method === 'x-tokens-v1' || method === 'x-gpu-time-v1'
      ? 'SUM(w_tok) > 0'
      : 'SUM(w_est) > 0 OR SUM(w_tok) > 0';
}

/** The weight of a candidate under a method: the basis chosen per pool row (estimate, tokens or requests). */
export function weightSql(method: MethodId, basis = 'c.basis'): string {
  if (method === 'x-even-v1' || method === 'x-fixed-v1') return 'c.w_reqs';
  // x-gpu-time-v1: w_tok holds GPU-hours (gpu-pools.ts)
  if (method === 'x-tokens-v1' || method === 'x-gpu-time-v1') return 'c.w_tok';
  return `CASE ${basis} WHEN 'est' THEN c.w_est ELSE c.w_tok END`;
}

/**
 * Creates TEMP table `chosen(rid, rank, level, grain, basis)`: per pool row the (single) level/grain that matched it
 * with a positive total weight. Token-cost falls back to plain tokens where the matched usage is unpriced.
 */
export async function chooseLevels(db: Db, method: MethodId): Promise<void> {
  const positive = positiveSql(method);
  const basis =
    method === 'x-token-cost-v1'
      ? `CASE WHEN SUM(w_est) > 0 AND count_if(w_est IS NULL AND w_tok > 0) = 0 THEN 'est' ELSE 'tok' END`
      : method === 'x-tokens-v1' || method === 'x-gpu-time-v1'
        ? `'tok'`
        : `'reqs'`;
  await db.run(`CREATE OR REPLACE TEMP TABLE chosen AS
    SELECT rid, arg_min(rank, rank) AS rank, arg_min(level, rank) AS level, arg_min(grain, rank) AS grain, arg_min(basis, rank) AS basis
    FROM (SELECT rid, rank, any_value(level) AS level, any_value(grain) AS grain, ${basis} AS basis
          FROM cand GROUP BY rid, rank HAVING ${positive})
    GROUP BY rid`);
}

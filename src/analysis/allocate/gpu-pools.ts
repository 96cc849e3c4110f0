// GPU pools for `allocate --method x-gpu-time-v1` (docs/gpu.md#allocation). A pool row is a focus/ charge
// of a configured GPU cluster (its reservation purchase, its instance or storage rows). Telemetry of the cluster's GPUs
// during the charge's period splits its GPU-hours into busy and idle (the mean utilization of the samples; OpenCost's
// allocated share of GPU-hours when there are no samples; all busy, with a note, when there is no telemetry at all).
// The busy GPU-hours go to the usage of the self-hosted models the cluster serves in that period, by weighted tokens
// (output tokens × --output-weight); the idle GPU-hours are the `(idle)` target (`--idle separate`) or spread by
// the same token shares (`--idle spread`). The weights are GPU-hours, so the usual split (split.ts) turns them into
// exact ratios and conserves every cost column of the pool row to the last decimal.
// Creates the TEMP tables the generic steps read: `pool`, `cand` (rank 0, level `gpu-time`) and `matched`.
import type { GpuCluster, SharedResource } from '../../config.js';
import { type Db, ident, lit } from '../../store/duckdb.js';
import { TOKEN_CLASSES } from '../../usage/schema.js';
import { allocationsSql, chargeSql, samplesSql, servedSql } from '../gpu/clusters.js';
import { keyValueSql, targetFromValuesSql } from './keys.js';
import { type Period, periodFilter } from './period.js';

export const IDLE = '(idle)';

export interface GpuPoolOptions {
  clusters: readonly GpuCluster[];
  idle: 'separate' | 'spread';
  outputWeight: number;
  rules?: readonly SharedResource[];
}

/** Per pool row of the clusters: its period, GPUs, busy ratio and GPU-hours (TEMP table gpu_rows). */
async function poolRows(db: Db, period: Period, clusters: readonly GpuCluster[]): Promise<void> {
  const charges = clusters
    .map(
      (c, i) => `SELECT x_RowId AS rid, ${i} AS idx, ${lit(c.name)} AS cluster, ChargePeriodStart AS t0,
        ChargePeriodEnd AS t1, ${c.gpus ?? 'NULL'}::BIGINT AS cfg_gpus FROM focus f
      WHERE ${chargeSql(c)} AND ChargeCategory IN ('Usage', 'Purchase')
        AND ${periodFilter('CAST(ChargePeriodStart AS DATE)', period)}`,
    )
    .join('\nUNION ALL\n');
  // a charge two clusters claim belongs to the first one configured (a grouped min, not `QUALIFY row_number() ... = 1`,
  // which DuckDB 1.5's TopN-window optimizer failed on here: store/duckdb.ts now disables that optimizer too)
  await db.run(`CREATE OR REPLACE TEMP TABLE gpu_pool AS WITH c AS (${charges})
    SELECT c.* EXCLUDE (idx) FROM c JOIN (SELECT rid, min(idx) AS idx FROM c GROUP BY rid) m USING (rid, idx)`);
  const samples = clusters
    .map((c) => `SELECT ${lit(c.name)} AS cluster, * FROM (${samplesSql(c)})`)
    .join(' UNION ALL ');
  const allocations = clusters
    .map((c) => `SELECT ${lit(c.name)} AS cluster, * FROM (${allocationsSql(c)})`)
    .join(' UNION ALL ');
  await db.run(`CREATE OR REPLACE TEMP TABLE gpu_rows AS
    WITH s AS (SELECT p.rid, CAST(avg(s.busy) AS DOUBLE) AS busy, count(DISTINCT s.gpu) AS gpus
        FROM gpu_pool p JOIN (${samples}) s ON s.cluster = p.cluster AND s.ts >= p.t0 AND s.ts < p.t1 GROUP BY p.rid),
      o AS (SELECT p.rid, CAST(SUM(o.gpu_hours) FILTER (WHERE NOT o.idle) AS DOUBLE) / CAST(SUM(o.gpu_hours) AS DOUBLE) AS busy
        FROM gpu_pool p JOIN (${allocations}) o ON o.cluster = p.cluster AND o.ts >= p.t0 AND o.ts < p.t1 GROUP BY p.rid),
      r AS (SELECT p.*, (epoch(p.t1) - epoch(p.t0)) / 3600.0 AS hours, COALESCE(p.cfg_gpus, NULLIF(s.gpus, 0), 1) AS gpus,
          LEAST(GREATEST(COALESCE(s.busy, o.busy, 1.0), 0.0), 1.0) AS busy, s.busy IS NULL AND o.busy IS NULL AS no_telemetry
        FROM gpu_pool p LEFT JOIN s USING (rid) LEFT JOIN o USING (rid))
    SELECT *, hours * gpus AS gpu_hours, hours * gpus * busy AS busy_hours, hours * gpus * (1 - busy) AS idle_hours FROM r`);
}

/**
 * Creates `pool`, `uagg`, `cand` and `matched` for the GPU clusters' charges (see the header). Usage is aggregated
 * per cluster, target and UTC hour (`uagg`, as the showback reads it) and matched to the charges whose period holds
 * that hour: a charge of a partial hour takes the usage of the hours that start inside it.
 */
export async function buildGpuCandidates(
  db: Db,
  keys: string[],
  period: Period,
  opts: GpuPoolOptions,
): Promise<void> {
  await poolRows(db, period, opts.clusters);
  // the models each cluster serves, for the run's factors (usage_attributed finds a request's GPU share by them)
  await db.run(
    `CREATE OR REPLACE TEMP TABLE gpu_served AS SELECT * FROM (VALUES ${opts.clusters
      .map((c) => `(${lit(c.name)}, [${c.models.map((m) => lit(m.toLowerCase())).join(', ')}]::VARCHAR[])`)
      .join(', ')}) v(cluster, served)`,
  );
  await db.run(`CREATE OR REPLACE TEMP TABLE pool AS
    SELECT rid, 'gpu:' || cluster AS provider, NULL::VARCHAR AS model, NULL::VARCHAR AS cls,
      CAST(t0 AS DATE) AS d0, GREATEST(CAST(t1 AS DATE), CAST(t0 AS DATE) + 1) AS d1, NULL::VARCHAR AS scope,
      NULL::VARCHAR AS band, (SELECT f.BillingCurrency FROM focus f WHERE f.x_RowId = r.rid LIMIT 1) AS cur
    FROM gpu_rows r`);
  const rules = opts.rules ?? [];
  const kcols = keys.map((_, i) => ident(`k${i}`));
  const keyCols = keys.map((k, i) => `${keyValueSql(k, 'u', rules)} AS ${kcols[i]}`).join(', ');
  const sums = TOKEN_CLASSES.map((c) => `SUM(u.${ident(c)})::HUGEINT AS ${ident(c)}`).join(', ');
  const tok = TOKEN_CLASSES.map((c) =>
    c === 'output' ? `CAST(output AS DOUBLE) * ${opts.outputWeight}` : `CAST(${ident(c)} AS DOUBLE)`,
  ).join(' + ');
  const served = opts.clusters
    .map(
      (c) => `SELECT ${lit(c.name)} AS cluster, date_trunc('hour', u."timestamp") AS h, ${keyCols}, ${sums},
        SUM(u.cost_estimate) AS est, SUM(COALESCE(u.request_count, 1))::HUGEINT AS reqs, count(*)::HUGEINT AS n
      FROM usage u WHERE ${servedSql(c, 'u')}
        AND u."timestamp" >= (SELECT min(t0) FROM gpu_rows WHERE cluster = ${lit(c.name)})
        AND u."timestamp" < (SELECT max(t1) FROM gpu_rows WHERE cluster = ${lit(c.name)})
      GROUP BY ALL`,
    )
    .join('\nUNION ALL\n');
  await db.run(`CREATE OR REPLACE TEMP TABLE uagg AS
    SELECT row_number() OVER () AS aid, 'request' AS grain, 'gpu:' || cluster AS provider, NULL::VARCHAR AS model,
      CAST(h AS DATE) AS d, NULL::VARCHAR AS scope, *, ${targetFromValuesSql(keys, kcols)} AS kv, ${tok} AS tok
    FROM (${served})`);
  const hours = opts.idle === 'spread' ? 'r.gpu_hours' : 'r.busy_hours';
  const zeros = TOKEN_CLASSES.map((c) => `0::HUGEINT AS ${ident(c)}`).join(', ');
  await db.run(`CREATE OR REPLACE TEMP TABLE gpu_use AS
    SELECT r.rid, a.* EXCLUDE (cluster) FROM gpu_rows r JOIN uagg a ON a.provider = 'gpu:' || r.cluster AND a.h >= r.t0 AND a.h < r.t1`);
  // a charge with no usage of the served models in its period has no candidate: it stays unallocated
  await db.run(`CREATE OR REPLACE TEMP TABLE cand AS
    WITH t AS (SELECT rid, SUM(tok) AS tok_total FROM gpu_use GROUP BY rid HAVING SUM(tok) > 0)
    SELECT g.rid, g.aid, 0 AS rank, 'gpu-time' AS level, 'request' AS grain, g.kv,
      ${kcols.map((k) => `g.${k}, `).join('')}g.d, NULL::VARCHAR AS ascope, NULL::VARCHAR AS amodel,
      NULL::BIGINT AS ctx, NULL::BIGINT AS ctx_upto, NULL::VARCHAR AS stier,
      ${hours} * g.tok / t.tok_total AS w_tok, 0::DOUBLE AS w_est, g.reqs AS w_reqs, g.n,
      ${TOKEN_CLASSES.map((c) => `g.${ident(c)}`).join(', ')}
    FROM gpu_use g JOIN gpu_rows r USING (rid) JOIN t USING (rid)
    ${
      opts.idle === 'separate'
        ? `UNION ALL BY NAME
    SELECT r.rid, NULL::BIGINT AS aid, 0 AS rank, 'gpu-time' AS level, 'request' AS grain, ${lit(IDLE)} AS kv,
      ${kcols.map((k) => `${lit(IDLE)} AS ${k}, `).join('')}NULL::DATE AS d, NULL::VARCHAR AS ascope, NULL::VARCHAR AS amodel,
      NULL::BIGINT AS ctx, NULL::BIGINT AS ctx_upto, NULL::VARCHAR AS stier,
      r.idle_hours AS w_tok, 0::DOUBLE AS w_est, 0::HUGEINT AS w_reqs, 0::HUGEINT AS n, ${zeros}
    FROM gpu_rows r JOIN t USING (rid) WHERE r.idle_hours > 0`
        : ''
    }`);
  await db.run('CREATE OR REPLACE TEMP TABLE matched AS SELECT DISTINCT rid FROM cand');
}

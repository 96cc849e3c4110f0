// GPU clusters as SQL (docs/gpu.md): which focus/ rows are a cluster's charges, which telemetry/ samples are its GPUs,
// which usage/ rows are the self-hosted models it serves, and what a charge costs the cluster. One owner of these
// predicates: `aicost gpu`, `allocate --method x-gpu-time-v1` and the GPU anomaly all read them from here.
import type { GpuCluster } from '../../config.js';
import { jsonKeyPath } from '../../sql.js';
import { lit } from '../../store/duckdb.js';

const list = (xs: readonly string[]) => xs.map(lit).join(', ');

/** SQL true for the focus rows (alias `f`) that are the cluster's charges: a listed ResourceId, or every listed tag. */
export function chargeSql(c: GpuCluster, f = 'f'): string {
  const parts: string[] = [];
  if (c.charges.resource_ids?.length) parts.push(`${f}.ResourceId IN (${list(c.charges.resource_ids)})`);
  const tags = Object.entries(c.charges.tags ?? {});
  if (tags.length)
    parts.push(
      `(${tags.map(([k, v]) => `json_extract_string(${f}.Tags, ${jsonKeyPath(k)}) = ${lit(v)}`).join(' AND ')})`,
    );
  return `(${parts.join(' OR ')})`;
}

/** SQL true for the telemetry rows (alias `t`) of the cluster's GPUs: a listed GPU UUID, node or cluster label. */
export function telemetrySql(c: GpuCluster, t = 't'): string {
  const parts: string[] = [];
  if (c.telemetry.gpu_uuids?.length) parts.push(`${t}.gpu_uuid IN (${list(c.telemetry.gpu_uuids)})`);
  if (c.telemetry.nodes?.length) parts.push(`${t}.node IN (${list(c.telemetry.nodes)})`);
  if (c.telemetry.cluster) parts.push(`${t}.cluster = ${lit(c.telemetry.cluster)}`);
  return `(${parts.join(' OR ')})`;
}

/** SQL true for the usage rows (alias `u`) of the self-hosted models the cluster serves (canonical or raw id). */
export function servedSql(c: GpuCluster, u = 'u'): string {
  const models = list(c.models.map((m) => m.toLowerCase()));
  return `(lower(${u}.model) IN (${models}) OR lower(${u}.model_raw) IN (${models}))`;
}

/**
 * What a charge (alias `f`) costs the cluster: EffectiveCost, except a Purchase row, which counts its BilledCost
 * unless usage rows already amortize it (a cloud export's Used/Unused rows naming its commitment: then counting the
 * purchase too would double count). A gpu-reservations row is such a purchase (EffectiveCost 0, the term's cost
 * billed), as is a capacity block bought upfront.
 */
export function clusterCostSql(f = 'f'): string {
  return `CASE WHEN ${f}.ChargeCategory = 'Purchase'
      THEN CASE WHEN COALESCE(${f}.CommitmentDiscountId, ${f}.ResourceId) IN (SELECT CommitmentDiscountId FROM focus
        WHERE ChargeCategory = 'Usage' AND CommitmentDiscountId IS NOT NULL) THEN 0 ELSE ${f}.BilledCost END
      ELSE ${f}.EffectiveCost END`;
}

/**
 * One utilization sample per GPU and time (alias-free subquery over `telemetry`): the busy ratio (0..1, DECIMAL)
 * nvidia-smi or DCGM_FI_DEV_GPU_UTIL measured; where two tools read the same GPU at the same time, the higher.
 */
export function samplesSql(c: GpuCluster): string {
  return `SELECT COALESCE(t.gpu_uuid, t.node) AS gpu, t."timestamp" AS ts, max(t.utilization) AS busy
    FROM telemetry t WHERE ${telemetrySql(c)} AND t.utilization IS NOT NULL AND t.source_id <> 'opencost'
    GROUP BY ALL`;
}

/** OpenCost allocations of the cluster (alias-free subquery): allocated GPU-hours, idle capacity marked. */
export function allocationsSql(c: GpuCluster): string {
  return `SELECT t."timestamp" AS ts, t.gpu_hours, COALESCE(t.idle, false) AS idle
    FROM telemetry t WHERE ${telemetrySql(c)} AND t.source_id = 'opencost' AND t.gpu_hours > 0`;
}

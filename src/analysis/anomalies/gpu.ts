// The GPU-utilization anomaly (docs/anomalies.md#gpu-utilization): a GPU whose measured utilization stays
// under 20 % for more than an hour. Samples are the telemetry/ readings of nvidia-smi and DCGM (one per GPU and
// time); each stands for the time until that GPU's next sample, capped at its usual sampling interval (the median
// gap), so a collector that stopped does not make one sample last for days. Consecutive low samples form a run (a gap
// of more than twice the interval ends it); a
// run longer than an hour that touches the reported days is a finding, keyed by GPU UUID (or node).
import { type Db, lit } from '../../store/duckdb.js';
import type { GpuUtilizationDetail } from './types.js';

/** Under this mean busy ratio a GPU counts as idle (20 %). */
export const GPU_LOW_UTILIZATION = 0.2;
/** A low run must last longer than this many seconds (an hour). */
export const GPU_LOW_SECONDS = 3600;

/** A low-utilization run: the anomaly's detail (the GPU, its node and model, the run's span) and its figures. */
export interface GpuLowRun extends GpuUtilizationDetail {
  /** Mean busy ratio over the run, 0..1, as a decimal string. */
  utilization: string;
  /** GPU-hours the run left idle: hours × (1 − utilization). */
  idleGpuHours: string;
}

/** Low-utilization runs longer than an hour that overlap the UTC days [since, until]. */
export async function gpuLowRuns(db: Db, since: string, until: string): Promise<GpuLowRun[]> {
  return db.all<GpuLowRun>(`
    WITH s AS (
      SELECT COALESCE(gpu_uuid, node) AS gpu, any_value(node) AS node, any_value(gpu_model) AS model,
        "timestamp" AS ts, max(utilization) AS u
      FROM telemetry WHERE utilization IS NOT NULL AND source_id <> 'opencost' AND COALESCE(gpu_uuid, node) IS NOT NULL
      GROUP BY 1, "timestamp"),
    g AS (SELECT *, epoch(lead(ts) OVER (PARTITION BY gpu ORDER BY ts)) - epoch(ts) AS gap FROM s),
    step AS (SELECT gpu, median(gap) AS step FROM g GROUP BY gpu),
    d AS (SELECT g.*, COALESCE(LEAST(g.gap, st.step), st.step, 0) AS dur, g.u < ${GPU_LOW_UTILIZATION} AS low,
        lag(g.u < ${GPU_LOW_UTILIZATION}) OVER w AS prev_low, lag(g.gap) OVER w AS prev_gap, st.step
      FROM g JOIN step st USING (gpu) WINDOW w AS (PARTITION BY g.gpu ORDER BY g.ts)),
    -- a run starts at a low sample after a busy one, or after a gap of more than twice the sampling interval
    r AS (SELECT *, SUM(CASE WHEN low AND (prev_low IS NOT TRUE OR prev_gap > 2 * step) THEN 1 ELSE 0 END)
        OVER (PARTITION BY gpu ORDER BY ts) AS grp FROM d),
    runs AS (SELECT gpu, any_value(node) AS node, any_value(model) AS model, min(ts) AS t0,
        min(ts) + to_seconds(CAST(SUM(dur) AS DOUBLE)) AS t1, SUM(dur) AS secs, count(*) AS n,
        CAST(SUM(u) / count(*) AS DECIMAL(38,18)) AS u
      FROM r WHERE low GROUP BY gpu, grp HAVING SUM(dur) > ${GPU_LOW_SECONDS})
    SELECT gpu, node, model AS "gpuModel", strftime(t0, '%Y-%m-%dT%H:%M:%SZ') AS "from",
      strftime(t1, '%Y-%m-%dT%H:%M:%SZ') AS "to", CAST(secs / 3600 AS DECIMAL(38,6))::VARCHAR AS hours,
      n::INTEGER AS samples, u::VARCHAR AS utilization,
      CAST(CAST(secs / 3600 AS DECIMAL(38,6)) * (1 - u) AS DECIMAL(38,6))::VARCHAR AS "idleGpuHours"
    FROM runs
    WHERE CAST(t0 AS DATE) <= ${lit(until)}::DATE AND CAST(t1 AS DATE) >= ${lit(since)}::DATE
    ORDER BY t0, gpu`);
}

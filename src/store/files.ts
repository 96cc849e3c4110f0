// Paths and per-file totals of stored Parquet, shared by ingest, forget and allocation.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { TOKEN_CLASSES } from '../usage/schema.js';
import { type Db, ident, lit } from './duckdb.js';
import type { Dataset } from './manifest.js';

/** The exact column sums recorded per stored file in the manifest. */
export const TOTAL_COLUMNS: Record<string, string[]> = {
  focus: ['BilledCost', 'EffectiveCost', 'ListCost', 'ContractedCost'],
  usage: [...TOKEN_CLASSES, 'source_cost', 'cost_estimate'],
  allocated: ['BilledCost', 'EffectiveCost', 'ListCost', 'ContractedCost'],
  commitments: ['ContractCommitmentCost', 'ContractCommitmentQuantity'],
  // GPU telemetry (docs/gpu.md): OpenCost's allocated GPU-hours and modelled cost (never billed cost)
  telemetry: ['gpu_hours', 'gpu_cost_modelled'],
  exports: ['BilledCost', 'EffectiveCost', 'ListCost', 'ContractedCost'],
};

/** Relative path of a stored file in hive-style partition folders (docs/architecture.md#the-data-home). */
/**
 * The Parquet options of every file aicost writes (`COPY ... TO f (FORMAT parquet, ${PARQUET})`). zstd level 1: the
 * same size as the default level for a tenth less CPU. Row groups of 30,720 rows, a quarter of DuckDB's default:
 * the writer holds a row group per thread outside DuckDB's memory limit, and with ~130 FOCUS columns the default size
 * made a 1 GB Azure export peak at 1.1-1.6 GB; at 30,720 it peaked at 1.07-1.20 GB in the same time.
 */
export const PARQUET = 'COMPRESSION zstd, COMPRESSION_LEVEL 1, ROW_GROUP_SIZE 30720';

export function storedPath(dataset: Dataset, partition: string, sourceId: string, name: string): string {
  if (dataset === 'allocation-factors')
    return `allocated/factors/x_BillingPeriod=${partition}/${name}.parquet`;
  // one file for all the commitments a source holds: they are few, and a commitment spans billing periods
  if (dataset === 'commitments') return `commitments/x_SourceId=${sourceId}/${name}.parquet`;
  if (dataset === 'focus' || dataset === 'allocated' || dataset === 'exports')
    return `${dataset}/x_BillingPeriod=${partition}/x_SourceId=${sourceId}/${name}.parquet`;
  // one file per input and month, rows in time order within row groups (their min/max statistics prune by day):
  // day folders made each input a few dozen small files and cost a third of the ingest (docs/architecture.md)
  return `${dataset}/month=${partition}/source_id=${sourceId}/${name}.parquet`;
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  // 1 MiB reads: with the default 64 KiB chunks hashing a 1 GB input took twice as long
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

export function shortHash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 20);
}

/** Row count and exact column sums of one Parquet file, as decimal strings. */
export async function fileTotals(
  db: Db,
  dataset: string,
  path: string,
): Promise<{ rows: number; totals: Record<string, string> }> {
  const cols = TOTAL_COLUMNS[dataset] ?? [];
  const r = await db.one<Record<string, string>>(
    `SELECT count(*)::VARCHAR AS _rows${cols.map((c) => `, COALESCE(SUM(${ident(c)}), 0)::VARCHAR AS ${ident(c)}`).join('')}
       FROM read_parquet(${lit(path)}, hive_partitioning = false)`,
  );
  const { _rows, ...totals } = r ?? {};
  return { rows: Number(_rows ?? 0), totals };
}

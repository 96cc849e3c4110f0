// Views over exactly the files the manifest lists. Readers take no lock: the manifest swap is atomic.
import { join } from 'node:path';
import { targetSql } from '../analysis/allocate/keys.js';
import { factorWeightSql } from '../analysis/allocate/split.js';
import { focusStoredColumns, type StoredColumn, X_ALLOCATED_COLUMNS } from '../focus/schema.js';
import { USAGE_COLUMNS } from '../usage/schema.js';
import { type Db, ident, lit, litList } from './duckdb.js';
import { type Dataset, type Manifest, readManifest } from './manifest.js';

export const DATASET_COLUMNS: Record<'focus' | 'usage' | 'allocated', StoredColumn[]> = {
  focus: focusStoredColumns(),
  usage: USAGE_COLUMNS,
  allocated: [...focusStoredColumns(), ...X_ALLOCATED_COLUMNS.map((c) => ({ name: c.id, type: c.type }))],
};

function emptySelect(columns: StoredColumn[]): string {
  return `SELECT ${columns.map((c) => `CAST(NULL AS ${c.type}) AS ${ident(c.name)}`).join(', ')} WHERE false`;
}

/** SQL reading one dataset's committed files, or an empty relation of the right shape. */
export function datasetSql(
  home: string,
  manifest: Manifest,
  dataset: Dataset,
  columns: StoredColumn[],
): string {
  const files = manifest.files.filter((f) => f.dataset === dataset).map((f) => join(home, f.path));
  if (files.length === 0) return emptySelect(columns);
  const cols = columns.map((c) => ident(c.name)).join(', ');
  return `SELECT ${cols} FROM read_parquet(${litList(files)}, hive_partitioning = false)`;
}

/** Creates views focus, usage, allocated, attributed in the connection; returns their names. */
export async function attachViews(
  db: Db,
  home: string,
  manifest: Manifest = readManifest(home),
): Promise<string[]> {
  const focus = datasetSql(home, manifest, 'focus', DATASET_COLUMNS.focus);
  const usage = datasetSql(home, manifest, 'usage', DATASET_COLUMNS.usage);
  const allocated = datasetSql(home, manifest, 'allocated', DATASET_COLUMNS.allocated);
  await db.run(`CREATE OR REPLACE TEMP VIEW focus AS ${focus}`);
  await db.run(`CREATE OR REPLACE TEMP VIEW usage AS ${usage}`);
  await db.run(`CREATE OR REPLACE TEMP VIEW allocated AS ${allocated}`);
  // attributed = focus rows not replaced by an allocation + the allocated rows (PRODUCT §6.6).
  const focusCols = DATASET_COLUMNS.focus.map((c) => ident(c.name)).join(', ');
  await db.run(
    `CREATE OR REPLACE TEMP VIEW attributed AS
       SELECT ${focusCols}, NULL::VARCHAR AS x_OriginRowId FROM focus
        WHERE x_RowId NOT IN (SELECT x_OriginRowId FROM allocated WHERE x_OriginRowId IS NOT NULL)
       UNION ALL BY NAME SELECT ${focusCols}, x_OriginRowId FROM allocated`,
  );
  await db.run(`CREATE OR REPLACE TEMP VIEW usage_attributed AS ${usageAttributedSql(home, manifest)}`);
  return ['focus', 'usage', 'allocated', 'attributed', 'usage_attributed'];
}

/**
 * usage_attributed (PRODUCT §6.6): each usage row with its share of the invoiced cost, from the stored run factors:
 * Σ over the origin rows it matched of the target's allocated cost × the row's weight ÷ the target's total weight.
 * Shares are computed in double precision and rounded to 18 decimals; Σ over rows equals the allocation up to that
 * rounding. Rows no invoice line matched have NULL attributed costs and `attribution` = 'estimated'.
 */
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

function usageAttributedSql(home: string, manifest: Manifest): string {
  const files = manifest.files.filter((f) => f.dataset === 'allocation-factors');
  const plain = `SELECT u.*, NULL::DECIMAL(38,18) AS attributed_effective_cost, NULL::DECIMAL(38,18) AS attributed_billed_cost,
    'estimated' AS attribution FROM usage u`;
  if (files.length === 0) return plain;
  const keySets = new Map<string, string[]>();
  for (const r of manifest.allocations) keySets.set(JSON.stringify(r.keys), r.keys);
  const factors = `read_parquet(${litList(files.map((f) => join(home, f.path)))}, hive_partitioning = false)`;
  const parts = [...keySets.entries()].map(
    ([json, keys]) => `SELECT u.source_id, u.request_id, u.trace_id,
        SUM(${shareSql('f.effective_cost')}) AS eff,
        SUM(${shareSql('f.billed_cost')}) AS billed
      FROM usage u JOIN ${factors} f ON f.keys = ${lit(json)} AND f.provider = u.provider AND f.grain = u.grain
        AND u."date" >= f.d0 AND u."date" < f.d1
        AND (f.level = 'provider+day' OR u.model = f.model)
        AND (f.level <> 'model+class+day+scope' OR COALESCE(u.project_id, u.workspace_id) = f.scope)
        AND ${targetSql(keys)} = f.kv
      GROUP BY ALL`,
  );
  return `SELECT u.*, c.eff AS attributed_effective_cost, c.billed AS attributed_billed_cost,
      CASE WHEN c.eff IS NULL THEN 'estimated' ELSE 'invoiced' END AS attribution
    FROM usage u LEFT JOIN (SELECT source_id, request_id, trace_id, SUM(eff) AS eff, SUM(billed) AS billed
      FROM (${parts.join('\nUNION ALL\n')}) GROUP BY ALL) c
      ON c.source_id = u.source_id AND c.request_id = u.request_id AND c.trace_id IS NOT DISTINCT FROM u.trace_id`;
}

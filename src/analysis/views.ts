// The read model of a data home: views focus, usage, allocated, attributed, usage_attributed, commitments and telemetry
// over exactly the files the manifest lists. Readers take no lock: the manifest swap is atomic, and a reader lease keeps
// the files of the manifest it read on disk until its connection closes (store/readers.ts). The views live in analysis/, not in
// store/, because they need what sits above the store: the FOCUS column list (focus/) and the allocation's own SQL
// for usage_attributed (allocate/attributed.ts).
import { join } from 'node:path';
import { contractCommitmentStoredColumns, type FocusDataset } from '../focus/contract-commitment.js';
import { focusStoredColumns, type StoredColumn, X_ALLOCATED_COLUMNS } from '../focus/schema.js';
import { type Db, ident, litList } from '../store/duckdb.js';
import { assertFilesIntact } from '../store/integrity.js';
import type { Dataset, Manifest } from '../store/manifest.js';
import { openSnapshot } from '../store/readers.js';
import { TELEMETRY_COLUMNS } from '../telemetry/schema.js';
import { USAGE_COLUMNS } from '../usage/schema.js';
import { usageAttributedSql } from './allocate/attributed.js';

export const DATASET_COLUMNS: Record<
  'focus' | 'usage' | 'allocated' | 'commitments' | 'telemetry',
  StoredColumn[]
> = {
  focus: focusStoredColumns(),
  usage: USAGE_COLUMNS,
  allocated: [...focusStoredColumns(), ...X_ALLOCATED_COLUMNS.map((c) => ({ name: c.id, type: c.type }))],
  commitments: contractCommitmentStoredColumns(),
  telemetry: TELEMETRY_COLUMNS,
};

/** The views attachViews creates, in order. */
export const VIEWS = [
  'focus',
  'usage',
  'allocated',
  'attributed',
  'usage_attributed',
  'commitments',
  'telemetry',
] as const;

/** The views that are FOCUS datasets, with the Requirements Model dataset `aicost validate --view` checks them as. */
export const FOCUS_VIEWS: Record<string, FocusDataset> = {
  focus: 'CostAndUsage',
  allocated: 'CostAndUsage',
  attributed: 'CostAndUsage',
  commitments: 'ContractCommitment',
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

/**
 * The manifest a reader works from, with a lease that keeps its files on disk until `db` closes, even when a writer
 * drops them meanwhile. A listed file that is missing or truncated is an InputError naming it (exit 2).
 */
export function readSnapshot(db: Db, home: string): Manifest {
  const { manifest, release } = openSnapshot(home);
  db.onClose(release);
  assertFilesIntact(home, manifest);
  return manifest;
}

/** Creates the VIEWS in the connection (over a fresh snapshot unless `manifest` is given); returns their names. */
export async function attachViews(
  db: Db,
  home: string,
  manifest: Manifest = readSnapshot(db, home),
): Promise<string[]> {
  const focus = datasetSql(home, manifest, 'focus', DATASET_COLUMNS.focus);
  const usage = datasetSql(home, manifest, 'usage', DATASET_COLUMNS.usage);
  const allocated = datasetSql(home, manifest, 'allocated', DATASET_COLUMNS.allocated);
  const commitments = datasetSql(home, manifest, 'commitments', DATASET_COLUMNS.commitments);
  await db.run(`CREATE OR REPLACE TEMP VIEW focus AS ${focus}`);
  await db.run(`CREATE OR REPLACE TEMP VIEW usage AS ${usage}`);
  await db.run(`CREATE OR REPLACE TEMP VIEW allocated AS ${allocated}`);
  // attributed = focus rows not replaced by an allocation + the allocated rows (docs/allocation.md#views).
  const focusCols = DATASET_COLUMNS.focus.map((c) => ident(c.name)).join(', ');
  await db.run(
    `CREATE OR REPLACE TEMP VIEW attributed AS
       SELECT ${focusCols}, NULL::VARCHAR AS x_OriginRowId FROM focus
        WHERE x_RowId NOT IN (SELECT x_OriginRowId FROM allocated WHERE x_OriginRowId IS NOT NULL)
       UNION ALL BY NAME SELECT ${focusCols}, x_OriginRowId FROM allocated`,
  );
  await db.run(`CREATE OR REPLACE TEMP VIEW usage_attributed AS ${usageAttributedSql(home, manifest)}`);
  await db.run(`CREATE OR REPLACE TEMP VIEW commitments AS ${commitments}`);
  // GPU utilization samples (docs/gpu.md): not FOCUS, never money of record
  const telemetry = datasetSql(home, manifest, 'telemetry', DATASET_COLUMNS.telemetry);
  await db.run(`CREATE OR REPLACE TEMP VIEW telemetry AS ${telemetry}`);
  return [...VIEWS];
}

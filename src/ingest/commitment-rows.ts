// The commitments/ dataset (docs/data-model.md#token-lifecycle): one FOCUS 1.3 Contract Commitment row per prepaid
// bundle, derived from the bundle's Purchase row in focus/ rather than written by the source itself. The Purchase row
// is the one record of the bundle; deriving the second dataset from it in a post-step (like pairing.ts) keeps the
// one-dataset pipeline as it is, and a replaced or forgotten bundle can never leave a commitment row behind: the file
// is re-derived from the purchases stored now, in the same transaction.
import { contractCommitmentStoredColumns } from '../focus/contract-commitment.js';
import { selectList } from '../focus/schema.js';
import { SOURCES } from '../sources/index.js';
import { type Db, lit, litList } from '../store/duckdb.js';
import { fileTotals, shortHash, storedPath } from '../store/files.js';
import type { WorkingFile } from '../store/rewrite.js';
import type { Transaction } from '../store/transaction.js';

/** Contract Commitment columns from a Purchase row `p` (as SQL over the focus/ columns). */
const FROM_PURCHASE: Record<string, string> = {
  BillingCurrency: 'p.BillingCurrency',
  // credits bought for their face value in the billing currency are a spend commitment; other units a usage one
  ContractCommitmentCategory: `CASE WHEN upper(p.PricingUnit) = p.BillingCurrency THEN 'Spend' ELSE 'Usage' END`,
  ContractCommitmentCost: 'p.BilledCost',
  ContractCommitmentDescription: 'p.ChargeDescription',
  ContractCommitmentId: 'p.ResourceId',
  ContractCommitmentPeriodEnd: 'p.ChargePeriodEnd',
  ContractCommitmentPeriodStart: 'p.ChargePeriodStart',
  ContractCommitmentQuantity: 'p.PricingQuantity',
  ContractCommitmentType: 'p.ResourceType',
  ContractCommitmentUnit: 'p.PricingUnit',
  // a bundle is its own contract with one commitment term
  ContractId: 'p.ResourceId',
  ContractPeriodEnd: 'p.ChargePeriodEnd',
  ContractPeriodStart: 'p.ChargePeriodStart',
  x_RowId: 'p.x_RowId',
  x_SourceId: 'p.x_SourceId',
  x_SourceFile: 'p.x_SourceFile',
  x_SourceRecord: 'p.x_SourceRecord',
  x_ServiceProviderName: 'p.ServiceProviderName',
};

/** The focus/ files of sources whose rows are commitments (family `commitments`). */
export function purchaseFiles(working: WorkingFile[]): WorkingFile[] {
  const ids = new Set(SOURCES.filter((s) => s.family === 'commitments').map((s) => s.id));
  return working.filter((w) => w.file.dataset === 'focus' && ids.has(w.file.sourceId));
}

/** Re-derives commitments/ from the Purchase rows in `working`; returns the new working set. */
export async function deriveCommitmentRows(
  db: Db,
  tx: Transaction,
  working: WorkingFile[],
): Promise<WorkingFile[]> {
  // GPU reservations are commitments too (docs/gpu.md), but never burn prepaid-bundle usage: not in purchaseFiles
  const purchases = [
    ...purchaseFiles(working),
    ...working.filter((w) => w.file.dataset === 'focus' && w.file.sourceId === 'gpu-reservations'),
  ];
  const others = working.filter((w) => w.file.dataset !== 'commitments');
  const current = working.filter((w) => w.file.dataset === 'commitments');
  if (purchases.length === 0) return others;
  const sourceId = purchases[0]!.file.sourceId;
  // named by the purchase files it reads: the same purchases give the same name, and the stored file is kept
  const name = shortHash('commitments', ...purchases.map((w) => w.file.path).sort());
  const path = storedPath('commitments', 'all', sourceId, name);
  if (current.length === 1 && current[0]!.file.path === path) return working;
  const staged = tx.stagePath(`commitments/${name}.parquet`);
  const select = `SELECT ${selectList(contractCommitmentStoredColumns(), FROM_PURCHASE)}
    FROM read_parquet(${litList(purchases.map((w) => w.abs))}, hive_partitioning = false) p
    WHERE p.x_CostSource = 'purchase' ORDER BY p.ResourceId`;
  await db.run(`COPY (${select}) TO ${lit(staged)} (FORMAT parquet, COMPRESSION zstd)`);
  const t = await fileTotals(db, 'commitments', staged);
  const file = {
    path,
    dataset: 'commitments' as const,
    sourceId,
    partition: 'all',
    inputSha256: name,
    rows: t.rows,
    totals: t.totals,
    createdAt: new Date().toISOString(),
  };
  return [...others, { abs: staged, staged: true, file }];
}

// The commitments/ dataset (docs/data-model.md#token-lifecycle): FOCUS 1.3 Contract Commitment rows derived from
// focus/ rather than written by a source itself: one per prepaid bundle or GPU reservation (from its Purchase row),
// and one per cloud commitment discount (RI, savings plan: from the rows carrying its CommitmentDiscountId). The
// focus/ rows are the one record; deriving the second dataset from them in a post-step (like pairing.ts) keeps the
// one-dataset pipeline as it is, and a replaced or forgotten input can never leave a commitment row behind: each
// source's file is re-derived from what is stored now, in the same transaction.
import { contractCommitmentStoredColumns } from '../focus/contract-commitment.js';
import { selectList } from '../focus/schema.js';
import { SOURCES } from '../sources/index.js';
import { type Db, lit, litList } from '../store/duckdb.js';
import { fileTotals, PARQUET, shortHash, storedPath } from '../store/files.js';
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

/**
 * Contract Commitment columns of a cloud commitment discount (RI, savings plan), one row per source, discount id and
 * billing currency (amounts in two currencies are never added), over its focus/ rows `d`. The exports carry the discount's billing, not its contract: cost is the fees billed in the
 * data (Purchase rows and recurring fees; a spend commitment without fees in the data: the amortized cost of its
 * Used and Unused rows), quantity the Used + Unused quantity of its usage rows (else of all its rows; FOCUS 1.0: the
 * PricingQuantity of the usage it covered) when they share one unit, the period the billing periods the data spans. Term dates and total contract value are not in FOCUS
 * rows; the description says so.
 */
const FEE = `(d.ChargeCategory = 'Purchase' OR d.ChargeFrequency = 'Recurring')`;
const SPLIT = `(d.ChargeCategory = 'Usage' AND d.CommitmentDiscountStatus IN ('Used', 'Unused'))`;
const CATEGORY = `COALESCE(any_value(d.CommitmentDiscountCategory) FILTER (WHERE d.CommitmentDiscountCategory IN ('Spend', 'Usage')), 'Usage')`;
/** `agg` over the split rows when they have one unit, else over all the rows when those have one unit, else NULL. */
const oneUnit = (agg: string) => `CASE
    WHEN count(DISTINCT d.CommitmentDiscountUnit) FILTER (WHERE ${SPLIT}) = 1 THEN ${agg} FILTER (WHERE ${SPLIT})
    WHEN count(DISTINCT d.CommitmentDiscountUnit) = 1 AND count(d.CommitmentDiscountQuantity) > 0 THEN ${agg} END`;
/**
 * FOCUS 1.0 has no CommitmentDiscountQuantity or Status: a usage commitment then counts the usage it covered, its
 * usage rows' PricingQuantity (when they share one PricingUnit), since FOCUS requires a quantity of it.
 */
const COVERED = `(d.ChargeCategory = 'Usage' AND d.PricingQuantity IS NOT NULL)`;
const covered = (agg: string) =>
  `CASE WHEN ${CATEGORY} = 'Usage' AND count(DISTINCT d.PricingUnit) FILTER (WHERE ${COVERED}) = 1
    THEN ${agg} FILTER (WHERE ${COVERED}) END`;
const QUANTITY = `COALESCE(${oneUnit('sum(d.CommitmentDiscountQuantity)')}, ${covered('sum(d.PricingQuantity)')})`;
const UNIT = `CASE WHEN ${oneUnit('sum(d.CommitmentDiscountQuantity)')} IS NOT NULL
    THEN ${oneUnit('any_value(d.CommitmentDiscountUnit)')} ELSE ${covered('any_value(d.PricingUnit)')} END`;
const FROM_DISCOUNT: Record<string, string> = {
  BillingCurrency: 'd.BillingCurrency',
  ContractCommitmentCategory: CATEGORY,
  ContractCommitmentCost: `COALESCE(sum(d.BilledCost) FILTER (WHERE ${FEE}),
    CASE WHEN ${CATEGORY} = 'Spend' THEN COALESCE(sum(d.EffectiveCost) FILTER (WHERE ${SPLIT}), 0) END)`,
  ContractCommitmentDescription: `COALESCE(any_value(d.CommitmentDiscountName), d.CommitmentDiscountId) || ': fees and Used/Unused quantity over the billing periods in the data (term dates and contract value are not in the export)'`,
  ContractCommitmentId: 'd.CommitmentDiscountId',
  ContractCommitmentPeriodEnd: 'max(d.ChargePeriodEnd)',
  ContractCommitmentPeriodStart: 'min(d.ChargePeriodStart)',
  ContractCommitmentQuantity: QUANTITY,
  ContractCommitmentType: `COALESCE(any_value(d.CommitmentDiscountType), 'Commitment Discount')`,
  ContractCommitmentUnit: UNIT,
  ContractId: 'd.CommitmentDiscountId',
  ContractPeriodEnd: 'max(d.ChargePeriodEnd)',
  ContractPeriodStart: 'min(d.ChargePeriodStart)',
  x_RowId: `md5('commitment:' || d.x_SourceId || ':' || d.CommitmentDiscountId || ':' || COALESCE(d.BillingCurrency, ''))`,
  x_SourceId: 'd.x_SourceId',
  x_SourceFile: 'min(d.x_SourceFile)',
  x_SourceRecord: `COALESCE(min(d.x_SourceRecord) FILTER (WHERE ${FEE}), min(d.x_SourceRecord))`,
  x_ServiceProviderName: 'any_value(d.ServiceProviderName)',
};

/** The focus/ files of sources whose rows are commitments (family `commitments`). */
export function purchaseFiles(working: WorkingFile[]): WorkingFile[] {
  const ids = new Set(SOURCES.filter((s) => s.family === 'commitments').map((s) => s.id));
  return working.filter((w) => w.file.dataset === 'focus' && ids.has(w.file.sourceId));
}

/** How a source's commitments are read: its bundle/reservation Purchase rows, or its commitment-discount rows. */
function kindOf(sourceId: string): 'purchase' | 'discount' | null {
  if (sourceId === 'gpu-reservations') return 'purchase';
  const family = SOURCES.find((s) => s.id === sourceId)?.family;
  if (family === 'commitments') return 'purchase';
  if (family === 'cloud' || family === 'focus') return 'discount';
  return null;
}

function selectFor(kind: 'purchase' | 'discount', files: string[]): string {
  const from = `read_parquet(${litList(files)}, hive_partitioning = false)`;
  if (kind === 'purchase')
    return `SELECT ${selectList(contractCommitmentStoredColumns(), FROM_PURCHASE)}
      FROM ${from} p WHERE p.x_CostSource = 'purchase' ORDER BY p.ResourceId`;
  return `SELECT ${selectList(contractCommitmentStoredColumns(), FROM_DISCOUNT)}
    FROM ${from} d WHERE d.CommitmentDiscountId IS NOT NULL
    GROUP BY d.x_SourceId, d.CommitmentDiscountId, d.BillingCurrency ORDER BY d.CommitmentDiscountId, d.BillingCurrency`;
}

/**
 * Re-derives commitments/ from the focus/ rows in `working`, one file per source: the Purchase rows of prepaid
 * bundles and GPU reservations, and the commitment-discount rows (RIs, savings plans) of cloud and FOCUS inputs.
 * Returns the new working set.
 */
export async function deriveCommitmentRows(
  db: Db,
  tx: Transaction,
  working: WorkingFile[],
): Promise<WorkingFile[]> {
  const bySource = new Map<string, WorkingFile[]>();
  for (const w of working)
    if (w.file.dataset === 'focus' && kindOf(w.file.sourceId))
      bySource.set(w.file.sourceId, [...(bySource.get(w.file.sourceId) ?? []), w]);
  const out = working.filter((w) => w.file.dataset !== 'commitments');
  for (const [sourceId, files] of [...bySource].sort(([a], [b]) => a.localeCompare(b))) {
    const kind = kindOf(sourceId)!;
    const current = working.filter((w) => w.file.dataset === 'commitments' && w.file.sourceId === sourceId);
    // named by the focus files it reads: the same files give the same name, and the stored file is kept
    const name = shortHash('commitments', ...files.map((w) => w.file.path).sort());
    const path = storedPath('commitments', 'all', sourceId, name);
    if (current.length === 1 && current[0]!.file.path === path) {
      out.push(current[0]!);
      continue;
    }
    // a cloud source without a commitments file had no commitment rows: unchanged files cannot have gained any
    if (kind === 'discount' && current.length === 0 && !files.some((w) => w.staged)) continue;
    const staged = tx.stagePath(`commitments/${name}.parquet`);
    await db.run(
      `COPY (${selectFor(
        kind,
        files.map((w) => w.abs),
      )}) TO ${lit(staged)} (FORMAT parquet, ${PARQUET})`,
    );
    const t = await fileTotals(db, 'commitments', staged);
    if (t.rows === 0) continue;
    out.push({
      abs: staged,
      staged: true,
      file: {
        path,
        dataset: 'commitments' as const,
        sourceId,
        partition: 'all',
        inputSha256: name,
        rows: t.rows,
        totals: t.totals,
        createdAt: new Date().toISOString(),
      },
    });
  }
  return out;
}

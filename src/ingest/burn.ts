// Burn-down of prepaid bundles (docs/data-model.md#token-lifecycle). A covered provider's cost-report rows become burn
// rows: BilledCost drops by what the bundle paid (0 when it paid it all), EffectiveCost stays, ContractApplied names
// the bundle, and PricingCurrency / PricingCurrencyEffectiveCost say it in the bundle's unit. Like pairing.ts, the pass
// recomputes every cost-report row from its cost and the bundles stored now (a row no bundle covers any more gets its
// billing-currency values back), so either ingest order gives the same rows; changed files are rewritten in the same
// transaction. Only rows aicost derived are touched: cost reports never carry ContractApplied of their own.
import { contractApplied } from '../normalize/ops.js';
import { fromFixed18 } from '../prices/decimal.js';
import { normalizeProviderSql } from '../prices/names.js';
import { SOURCES } from '../sources/index.js';
import type { Sql } from '../sql.js';
import { type Db, ident, lit, litList } from '../store/duckdb.js';
import { shortHash } from '../store/files.js';
import { type WorkingFile, withRecomputedRows } from '../store/rewrite.js';
import type { Transaction } from '../store/transaction.js';
import { type Bundle, type CostRow, type Draw, planBurn } from './burn-plan.js';
import { purchaseFiles } from './commitment-rows.js';

const read = (files: string[], extra = '') =>
  `read_parquet(${litList(files)}, hive_partitioning = false${extra})`;

/** The focus/ files a bundle may cover: provider cost reports (the llm-billing sources). */
function costReportFiles(working: WorkingFile[]): WorkingFile[] {
  const ids = new Set(SOURCES.filter((s) => s.family === 'llm-billing').map((s) => s.id));
  return working.filter((w) => w.file.dataset === 'focus' && ids.has(w.file.sourceId));
}

async function loadBundles(db: Db, files: string[]): Promise<Bundle[]> {
  if (files.length === 0) return [];
  const rows = await db.all<Record<string, string>>(
    `SELECT ResourceId AS id, ${normalizeProviderSql('ServiceProviderName')} AS provider, BillingCurrency AS currency,
       epoch_us(ChargePeriodStart)::VARCHAR AS "from", epoch_us(ChargePeriodEnd)::VARCHAR AS "to", PricingUnit AS unit,
       PricingQuantity::VARCHAR AS units, BilledCost::VARCHAR AS amount
     FROM ${read(files)} WHERE x_CostSource = 'purchase' AND BilledCost > 0 AND PricingQuantity > 0`,
  );
  return rows.map((r) => ({
    id: r.id!,
    provider: r.provider!,
    currency: r.currency!,
    from: BigInt(r.from!),
    to: BigInt(r.to!),
    unit: r.unit!,
    units: r.units!,
    amount: r.amount!,
  }));
}

/** Cost-report rows some bundle could cover, in charge time order (the order they draw in). */
async function loadRows(db: Db, files: string[], bundles: Bundle[]): Promise<CostRow[]> {
  if (files.length === 0 || bundles.length === 0) return [];
  const covered = bundles
    .map(
      (b) =>
        `(p = ${lit(b.provider)} AND BillingCurrency = ${lit(b.currency)} AND t >= ${b.from} AND t < ${b.to})`,
    )
    .join(' OR ');
  const rows = await db.all<Record<string, string | null>>(
    `SELECT x_RowId AS rid, p, BillingCurrency AS currency, t::VARCHAR AS t, EffectiveCost::VARCHAR AS cost,
       ListUnitPrice::VARCHAR AS lp, ContractedUnitPrice::VARCHAR AS cp
     FROM (SELECT *, ${normalizeProviderSql('ServiceProviderName')} AS p, epoch_us(ChargePeriodStart) AS t FROM ${read(files)})
     WHERE x_CostSource = 'cost-report' AND EffectiveCost > 0 AND (${covered})
     ORDER BY ChargePeriodStart, x_RowId`,
  );
  return rows.map((r) => ({
    rid: r.rid!,
    provider: r.p!,
    currency: r.currency!,
    start: BigInt(r.t!),
    cost: r.cost!,
    listPrice: r.lp ?? null,
    contractedPrice: r.cp ?? null,
  }));
}

/** The draws as TEMP table burn_draws(rid, bundle, unit, units, cost, list_price, contracted_price). */
async function stageDraws(db: Db, draws: Draw[]): Promise<void> {
  const dec = (v: bigint | null) => (v === null ? 'NULL' : `${lit(fromFixed18(v))}::DECIMAL(38,18)`);
  await db.run(`CREATE OR REPLACE TEMP TABLE burn_draws (rid VARCHAR, bundle VARCHAR, unit VARCHAR,
    units DECIMAL(38,18), cost DECIMAL(38,18), list_price DECIMAL(38,18), contracted_price DECIMAL(38,18))`);
  for (let i = 0; i < draws.length; i += 1000) {
    const values = draws
      .slice(i, i + 1000)
      .map(
        (d) =>
          `(${lit(d.rid)}, ${lit(d.bundle)}, ${lit(d.unit)}, ${dec(d.units)}, ${dec(d.cost)}, ${dec(d.listPrice)}, ${dec(d.contractedPrice)})`,
      );
    await db.run(`INSERT INTO burn_draws VALUES ${values.join(', ')}`);
  }
}

const BURN_COLUMNS = [
  'BilledCost',
  'PricingCurrency',
  'PricingCurrencyEffectiveCost',
  'PricingCurrencyListUnitPrice',
  'PricingCurrencyContractedUnitPrice',
  'ContractApplied',
];

/** One file's rows with their burn columns recomputed: drawn rows burned, formerly burned rows restored. */
function burnedSelect(file: string): string {
  const pick = (col: string, burned: string, restored: string) =>
    `CASE WHEN d.rid IS NOT NULL THEN ${burned} WHEN f.ContractApplied IS NOT NULL THEN ${restored} ELSE f.${ident(col)} END`;
  const [bundle, cost, units, unit] = ['d.bundle', 'd.cost', 'd.units', 'd.unit'] as Sql[];
  const applied = contractApplied(bundle!, cost!, units!, unit!);
  return `SELECT f.* REPLACE (
      ${pick('BilledCost', 'f.EffectiveCost - d.cost', 'f.EffectiveCost')} AS BilledCost,
      ${pick('PricingCurrency', 'd.unit', 'f.BillingCurrency')} AS PricingCurrency,
      ${pick('PricingCurrencyEffectiveCost', 'd.units', 'f.EffectiveCost')} AS PricingCurrencyEffectiveCost,
      ${pick('PricingCurrencyListUnitPrice', 'd.list_price', 'f.ListUnitPrice')} AS PricingCurrencyListUnitPrice,
      ${pick('PricingCurrencyContractedUnitPrice', 'd.contracted_price', 'f.ContractedUnitPrice')} AS PricingCurrencyContractedUnitPrice,
      CAST(${pick('ContractApplied', applied, 'NULL')} AS JSON) AS ContractApplied)
    FROM ${read([file])} f LEFT JOIN burn_draws d ON d.rid = f.x_RowId`;
}

/**
 * Recomputes burn rows in every cost-report file; returns the new working set. The ids of rows whose burn columns
 * changed are left in TEMP table burn_changed: their allocations are stale (prune-allocations.ts drops them).
 */
export async function burnCommitments(
  db: Db,
  tx: Transaction,
  working: WorkingFile[],
): Promise<WorkingFile[]> {
  await db.run('CREATE OR REPLACE TEMP TABLE burn_changed (rid VARCHAR)');
  const reports = costReportFiles(working);
  if (reports.length === 0) return working;
  const bundles = await loadBundles(
    db,
    purchaseFiles(working).map((w) => w.abs),
  );
  const abs = reports.map((w) => w.abs);
  await stageDraws(db, planBurn(bundles, await loadRows(db, abs, bundles)));
  const touched = new Set(
    (
      await db.all<{ f: string }>(
        `SELECT DISTINCT filename AS f FROM ${read(abs, ', filename = true')}
          WHERE ContractApplied IS NOT NULL OR x_RowId IN (SELECT rid FROM burn_draws)`,
      )
    ).map((r) => r.f),
  );
  const out: WorkingFile[] = [];
  for (const w of working) out.push(touched.has(w.abs) ? await rewrite(db, tx, w) : w);
  return out;
}

/** Stages `w` with its burn columns recomputed, when any of them changes; the changed rows go to burn_changed. */
async function rewrite(db: Db, tx: Transaction, w: WorkingFile): Promise<WorkingFile> {
  const select = burnedSelect(w.abs);
  const differs = BURN_COLUMNS.map(
    (c) => `a.${ident(c)}::VARCHAR IS DISTINCT FROM b.${ident(c)}::VARCHAR`,
  ).join(' OR ');
  await db.run(`INSERT INTO burn_changed SELECT x_RowId FROM (${select}) a JOIN ${read([w.abs])} b USING (x_RowId)
    WHERE ${differs}`);
  const changed = await db.one<{ n: string }>(
    `SELECT count(*)::VARCHAR AS n FROM burn_changed WHERE rid IN (SELECT x_RowId FROM ${read([w.abs])})`,
  );
  if (!changed || changed.n === '0') return w;
  const draws = await db.one<{ h: string }>(
    `SELECT COALESCE(md5(string_agg(rid || bundle || units::VARCHAR, ',' ORDER BY rid)), '') AS h FROM burn_draws`,
  );
  return withRecomputedRows(db, tx, w, select, shortHash(w.file.path, 'burned', draws?.h ?? ''));
}

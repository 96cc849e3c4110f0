// Quantities on cost reports (docs/data-model.md#cost-lines-without-quantities). Provider cost lines without token quantities (Anthropic cost report,
// OpenAI costs without quantity) are paired with the same provider's usage report for the same UTC day, model,
// token class and project/workspace to fill ConsumedQuantity/PricingQuantity and derived unit prices; without a
// pair, the quantity comes from the price book (x_QuantityEstimated true). The pass recomputes every pairable row
// from its cost and the usage stored now, so the result does not depend on the order of ingests; affected files
// are rewritten in the same transaction.

import { normalizeProviderSql } from '../prices/names.js';
import { SOURCES } from '../sources/index.js';
import { TOKEN_METER } from '../sources/llm-common.js';
import { type Db, ident, lit, litList } from '../store/duckdb.js';
import { shortHash } from '../store/files.js';
import { type WorkingFile, withRecomputedRows } from '../store/rewrite.js';
import type { Transaction } from '../store/transaction.js';
import { TOKEN_CLASSES } from '../usage/schema.js';

const classList = TOKEN_CLASSES.map(lit).join(', ');
const meter = `CASE f.x_TokenClass ${Object.entries(TOKEN_METER)
  .map(([k, v]) => `WHEN ${lit(k)} THEN ${lit(v)}`)
  .join(' ')} END`;
const usageClassSum = (alias: string) =>
  `CASE f.x_TokenClass ${TOKEN_CLASSES.map((c) => `WHEN ${lit(c)} THEN ${alias}.${ident(c)}`).join(' ')} END`;
const bookPrice = `CASE f.x_TokenClass ${TOKEN_CLASSES.map((c) => `WHEN ${lit(c)} THEN p.${ident(c)}`).join(' ')} END`;

/** The SELECT that re-derives the quantity columns of one cost-report file. */
function pairedSelect(file: string, usageFiles: string[]): string {
  const usage = usageFiles.length
    ? `SELECT "date" AS d, model, COALESCE(project_id, workspace_id) AS proj,
         ${TOKEN_CLASSES.map((c) => `SUM(${ident(c)}) AS ${ident(c)}`).join(', ')}
       FROM read_parquet(${litList(usageFiles)}, hive_partitioning = false) WHERE grain = 'bucket' GROUP BY ALL`
    : `SELECT NULL::DATE AS d, NULL::VARCHAR AS model, NULL::VARCHAR AS proj, ${TOKEN_CLASSES.map((c) => `NULL::BIGINT AS ${ident(c)}`).join(', ')} WHERE false`;
  // exact project match first; usage reported without a project serves rows of any project
  const qty = `COALESCE(NULLIF(${usageClassSum('ue')}, 0), NULLIF(${usageClassSum('ua')}, 0))`;
  const price = `CAST(${bookPrice} * 1000000 AS DECIMAL(38,18))`;
  const paired = `(q.qty IS NOT NULL)`;
  const estimated = `(NOT ${paired} AND q.price IS NOT NULL AND q.price > 0)`;
  const pairable = `(f.x_TokenClass IN (${classList}) AND f.x_Model IS NOT NULL AND f.x_QuantityEstimated IS DISTINCT FROM false)`;
  const pick = (col: string, ifPaired: string, ifEstimated: string) =>
    `CASE WHEN q.pairable AND ${paired} THEN ${ifPaired} WHEN q.pairable AND ${estimated} THEN ${ifEstimated} ELSE f.${ident(col)} END`;
  const pqPaired = `CAST(q.qty / 1000000 AS DECIMAL(38,18))`;
  // EffectiveCost, not BilledCost: a row a prepaid bundle paid for (burn.ts) is billed 0 but still cost what it cost
  const pqEst = `CAST(CAST(f.EffectiveCost AS DOUBLE) / CAST(q.price AS DOUBLE) AS DECIMAL(38,18))`;
  const unitPaired = `CAST(CAST(f.EffectiveCost AS DOUBLE) / (q.qty / 1000000.0) AS DECIMAL(38,18))`;
  return `WITH u AS (${usage}),
  f0 AS (SELECT *, CAST("ChargePeriodStart" AS DATE) AS __d FROM read_parquet(${lit(file)}, hive_partitioning = false)),
  q AS (
    SELECT f.x_RowId AS rid, ${pairable} AS pairable,
      CAST(${qty} AS DECIMAL(38,18)) AS qty,
      ${price} AS price
    FROM f0 f
    LEFT JOIN u ue ON ue.d = f.__d AND ue.model = f.x_Model AND ue.proj = f.x_ProjectId
    LEFT JOIN u ua ON ua.d = f.__d AND ua.model = f.x_Model AND ua.proj IS NULL
    LEFT JOIN price_lookup p ON p.provider = ${normalizeProviderSql('f.ServiceProviderName')} AND p.alias = f.x_Model AND p.tier = '' AND p.context_above < 0
      AND f.ChargePeriodStart >= p.valid_from AND (p.valid_to IS NULL OR f.ChargePeriodStart < p.valid_to)
  )
  SELECT f.* EXCLUDE (__d) REPLACE (
    ${pick('ConsumedQuantity', 'q.qty', `CAST(${pqEst} * 1000000 AS DECIMAL(38,18))`)} AS ConsumedQuantity,
    ${pick('ConsumedUnit', `'Tokens'`, `'Tokens'`)} AS ConsumedUnit,
    ${pick('PricingUnit', `'1000000 Tokens'`, `'1000000 Tokens'`)} AS PricingUnit,
    ${pick('PricingQuantity', pqPaired, pqEst)} AS PricingQuantity,
    ${pick('ListUnitPrice', unitPaired, 'q.price')} AS ListUnitPrice,
    ${pick('ContractedUnitPrice', unitPaired, 'q.price')} AS ContractedUnitPrice,
    ${pick('PricingCurrencyListUnitPrice', unitPaired, 'q.price')} AS PricingCurrencyListUnitPrice,
    ${pick('PricingCurrencyContractedUnitPrice', unitPaired, 'q.price')} AS PricingCurrencyContractedUnitPrice,
    ${pick('SkuMeter', meter, meter)} AS SkuMeter,
    CASE WHEN q.pairable AND ${paired} THEN false WHEN q.pairable AND ${estimated} THEN true ELSE f.x_QuantityEstimated END AS x_QuantityEstimated,
    CASE WHEN q.pairable AND ${paired} THEN true WHEN q.pairable AND ${estimated} THEN false ELSE f.x_PriceDerived END AS x_PriceDerived
  )
  FROM f0 f JOIN q ON q.rid = f.x_RowId`;
}

const QTY_COLS = [
  'ConsumedQuantity',
  'PricingQuantity',
  'ListUnitPrice',
  'x_QuantityEstimated',
  'PricingUnit',
];

/** Re-pairs every stored or staged cost-report file whose source declares `pairWith`; returns the new working set. */
export async function pairCostReports(
  db: Db,
  tx: Transaction,
  working: WorkingFile[],
): Promise<WorkingFile[]> {
  const pairable = new Map(
    SOURCES.flatMap((s) => (s.dataset === 'focus' && s.pairWith ? [[s.id, s.pairWith] as const] : [])),
  );
  const out: WorkingFile[] = [];
  for (const w of working) {
    const partner = pairable.get(w.file.sourceId);
    if (w.file.dataset !== 'focus' || !partner) {
      out.push(w);
      continue;
    }
    const usageFiles = working
      .filter((u) => u.file.dataset === 'usage' && u.file.sourceId === partner)
      .map((u) => u.abs);
    const select = pairedSelect(w.abs, usageFiles);
    const changed = await db.one<{ n: string }>(
      `SELECT count(*)::VARCHAR AS n FROM (${select}) a JOIN read_parquet(${lit(w.abs)}, hive_partitioning = false) b USING (x_RowId)
        WHERE ${QTY_COLS.map((c) => `a.${ident(c)} IS DISTINCT FROM b.${ident(c)}`).join(' OR ')}`,
    );
    if (!changed || changed.n === '0') {
      out.push(w);
      continue;
    }
    const name = shortHash(
      w.file.path,
      'paired',
      String(usageFiles.length),
      ...usageFiles.map((u) => u.split('/').pop()!),
    );
    out.push(await withRecomputedRows(db, tx, w, select, name));
  }
  return out;
}

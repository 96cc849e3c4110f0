// The SQL behind commitment balances (docs/data-model.md#token-lifecycle), over the `focus` view: which Purchase rows
// are prepaid commitments, which usage rows burn which of them, and how far each provider's data reaches.
import { normalizeProviderSql } from '../prices/names.js';

const provider = normalizeProviderSql('COALESCE(ServiceProviderName, ProviderName)');
const appliedId = `json_extract_string(ContractApplied, '$.Elements[0].ContractCommitmentId')`;

/**
 * TEMP table `cm_purchases`: one row per commitment. The commitments source's Purchase rows (x_CostSource `purchase`),
 * and a FOCUS input's prepaid purchases: a Purchase with a quantity and unit, EffectiveCost 0 (FOCUS: a purchase that
 * covers other charges), no CommitmentDiscountId (a commitment discount is another mechanism), and not billed after
 * its charge period ended: such a purchase pays for usage already past (the spec's overage example), there is no
 * balance left to burn.
 */
export const PURCHASES_SQL = `CREATE OR REPLACE TEMP TABLE cm_purchases AS
  SELECT COALESCE(ResourceId, ${appliedId}, x_RowId) AS id, x_CostSource AS cost_source,
    COALESCE(ServiceProviderName, ProviderName) AS provider_name, ${provider} AS provider,
    BillingAccountId AS account, BillingCurrency AS currency, PricingUnit AS unit, PricingQuantity AS units,
    BilledCost AS amount, ChargePeriodStart AS valid_from, ChargePeriodEnd AS valid_to
  FROM focus
  WHERE ChargeCategory = 'Purchase' AND PricingQuantity > 0 AND PricingUnit IS NOT NULL
    -- GPU reservations (docs/gpu.md) are capacity, not a balance that usage burns down
    AND x_SourceId IS DISTINCT FROM 'gpu-reservations'
    AND (x_CostSource = 'purchase'
      OR (x_CostSource IS DISTINCT FROM 'purchase' AND EffectiveCost = 0 AND CommitmentDiscountId IS NULL
        AND ChargePeriodEnd > COALESCE(BillingPeriodStart, ChargePeriodStart)))`;

/**
 * TEMP table `cm_burns(id, t, units)`: usage rows that burn a commitment, with the units burned
 * (PricingCurrencyEffectiveCost, in the commitment's unit). A row whose ContractApplied names a commitment burns that
 * one. A row without it (the FOCUS 1.2 virtual-currency pattern) burns a commitment whose unit is its PricingCurrency,
 * of the same provider and billing account, valid at its ChargePeriodStart; of several, the one expiring first.
 */
export const BURNS_SQL = `CREATE OR REPLACE TEMP TABLE cm_burns AS
  WITH u AS (
    SELECT x_RowId AS rid, ChargePeriodStart AS t, ${provider} AS provider, BillingAccountId AS account,
      PricingCurrency AS pc, PricingCurrencyEffectiveCost AS units, ${appliedId} AS applied
    FROM focus
    WHERE ChargeCategory = 'Usage' AND PricingCurrencyEffectiveCost IS NOT NULL
      AND (ContractApplied IS NOT NULL OR PricingCurrency IS DISTINCT FROM BillingCurrency)),
  m AS (
    SELECT u.rid, u.t, u.units, p.id,
      row_number() OVER (PARTITION BY u.rid ORDER BY p.valid_to, p.valid_from, p.id) AS rn
    FROM u JOIN cm_purchases p ON u.pc = p.unit AND (u.applied = p.id OR (u.applied IS NULL
      AND u.provider IS NOT DISTINCT FROM p.provider AND u.account IS NOT DISTINCT FROM p.account
      AND u.t >= p.valid_from AND u.t < p.valid_to)))
  SELECT id, t, units FROM m WHERE rn = 1`;

/**
 * TEMP table `cm_commitments`: the commitments with their as-of time, `asOf` (a SQL TIMESTAMPTZ or NULL) or else
 * the end of the provider's latest usage charge (how far its data reaches), or else the start of validity.
 */
export const commitmentsSql = (asOf: string) => `CREATE OR REPLACE TEMP TABLE cm_commitments AS
  WITH through AS (SELECT ${provider} AS provider, max(ChargePeriodEnd) AS t FROM focus
    WHERE ChargeCategory = 'Usage' GROUP BY 1)
  SELECT p.*, COALESCE(${asOf}, d.t, p.valid_from) AS as_of
  FROM cm_purchases p LEFT JOIN through d ON d.provider IS NOT DISTINCT FROM p.provider`;

const iso = (c: string) => `strftime(${c}, '%Y-%m-%dT%H:%M:%SZ')`;

/** The commitments with their figures as exact decimal strings and times as ISO text (UTC). */
export const COMMITMENT_ROWS_SQL = `SELECT id, cost_source, provider_name, account, currency, unit,
    units::VARCHAR AS units, amount::VARCHAR AS amount, ${iso('valid_from')} AS valid_from,
    ${iso('valid_to')} AS valid_to, ${iso('as_of')} AS as_of
  FROM cm_commitments ORDER BY valid_from, id`;

/**
 * Units burned per commitment and UTC day before its as-of time. A burn a ContractApplied dates outside the validity
 * window counts on its first or last day, so the daily series always adds up to the units burned.
 */
export const DAILY_BURN_SQL = `SELECT b.id,
    strftime(CAST(least(greatest(b.t, c.valid_from), c.valid_to - INTERVAL 1 MICROSECOND) AS DATE), '%Y-%m-%d') AS day,
    SUM(b.units)::VARCHAR AS units
  FROM cm_burns b JOIN cm_commitments c USING (id) WHERE b.t < c.as_of GROUP BY 1, 2 ORDER BY 1, 2`;

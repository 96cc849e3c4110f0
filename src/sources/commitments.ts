// commitments: aicost's own documented CSV of prepaid credit and token bundles (fixtures/commitments/README.md), one
// row per bundle. Each bundle is a FOCUS Purchase row (docs/data-model.md#token-lifecycle): BilledCost = the amount
// paid, EffectiveCost 0 (it covers later usage), the validity window as the charge period, priced per unit of the
// bundle. The bundle id is the purchase's ResourceId and, through ContractApplied, a contract commitment: burn rows
// (ingest/burn.ts) and the commitments/ dataset (ingest/commitment-rows.ts) name it the same way.
import { defineSource, type InputColumn } from '../normalize/contract.js';
import {
  checks,
  constant,
  contractApplied,
  DIVIDE_EXACT_MAX,
  decimal,
  divideExact,
  isoTime,
  MONEY,
  str,
  value,
} from '../normalize/ops.js';
import { normalizeProviderSql } from '../prices/names.js';
import { joinSql, lit, type Sql, sql } from '../sql.js';
import { PROVIDER_NAMES } from './llm-common.js';

const COLUMNS = [
  'bundle_id',
  'provider',
  'purchased_units',
  'unit',
  'amount_paid',
  'currency',
  'valid_from',
  'valid_to',
];
// every value read as text: money and counts are parsed exactly, times with their offsets
const reader: Record<string, InputColumn> = Object.fromEntries(
  COLUMNS.map((c) => [c, { type: 'VARCHAR', required: true }]),
);

const id = str('bundle_id');
const units = decimal('purchased_units');
const amount = decimal('amount_paid');
const unit = str('unit');
const providerId = normalizeProviderSql(str('provider'));
/** The provider as its cost reports name it (so a bundle and the charges it covers share ServiceProviderName). */
const names = (key: 'provider' | 'service', otherwise: Sql): Sql =>
  sql`(CASE ${providerId} ${joinSql(
    Object.entries(PROVIDER_NAMES).map(([k, v]) => sql`WHEN ${lit(k)} THEN ${lit(v[key])}`),
    ' ',
  )} ELSE ${otherwise} END)`;
const provider = names('provider', str('provider'));
const price = sql`CAST(${divideExact(amount, units)} AS ${MONEY})`;
const sku = sql`${providerId} || ':prepaid:' || lower(${unit})`;

export const commitments = defineSource({
  id: 'commitments',
  title: 'Prepaid credit and token bundles (aicost documented CSV)',
  family: 'commitments',
  dataset: 'focus',
  detects:
    'CSV with bundle_id, provider, purchased_units, unit, amount_paid, currency, valid_from, valid_to (one row per bundle)',
  detect: [{ format: 'csv', header: { all: COLUMNS } }],
  reader: () => ({ kind: 'csv', columns: reader }),
  // a bundle id names one commitment: a file listing it twice is ambiguous
  let: { bundle_rows: sql`count(*) OVER (PARTITION BY ${id})` },
  checks: [
    ...COLUMNS.map((c) => checks.required(c)),
    checks.number('purchased_units'),
    checks.number('amount_paid'),
    checks.isoTime('valid_from'),
    checks.isoTime('valid_to'),
    {
      column: 'purchased_units',
      bad: sql`NOT (${units} > 0 AND ${units} < ${lit(DIVIDE_EXACT_MAX)}::${MONEY})`,
      problem: `not a positive number below ${DIVIDE_EXACT_MAX}`,
    },
    // the price of a unit is amount ÷ units: a free grant has none to burn usage at
    { column: 'amount_paid', bad: sql`${amount} <= 0`, problem: 'not a positive amount' },
    {
      column: 'currency',
      bad: sql`NOT regexp_full_match(${str('currency')}, '[A-Za-z]{3}')`,
      problem: 'not an ISO 4217 currency code',
    },
    {
      column: 'valid_to',
      bad: sql`${isoTime('valid_to')} <= ${isoTime('valid_from')}`,
      problem: 'not after valid_from',
    },
    { column: 'bundle_id', bad: sql`"bundle_rows" > 1`, problem: 'bundle id listed more than once' },
  ],
  absent: { ChargeClass: 'a bundle is restated by a later file with the same bundle_id, never corrected' },
  map: {
    BillingAccountId: sql`COALESCE(_account, ${provider})`,
    BillingAccountName: sql`COALESCE(_account, ${provider})`,
    BillingAccountType: constant('Organization'),
    ServiceProviderName: provider,
    ServiceName: names('service', sql`${str('provider')} || ' API'`),
    ServiceCategory: constant('AI and Machine Learning'),
    ServiceSubcategory: constant('Generative AI'),
    ChargeCategory: constant('Purchase'),
    ChargeFrequency: constant('One-Time'),
    ChargeDescription: sql`'Prepaid ' || ${str('purchased_units')} || ' ' || ${unit} || ' (bundle ' || ${id} || ')'`,
    ChargePeriodStart: isoTime('valid_from'),
    ChargePeriodEnd: isoTime('valid_to'),
    BillingCurrency: sql`upper(${str('currency')})`,
    BilledCost: amount,
    EffectiveCost: value(0),
    ListCost: amount,
    ContractedCost: amount,
    PricingCategory: constant('Standard'),
    PricingUnit: unit,
    PricingQuantity: units,
    ListUnitPrice: price,
    ContractedUnitPrice: price,
    SkuId: sku,
    SkuPriceId: sql`${sku} || ':' || ${id}`,
    SkuMeter: sql`'Prepaid ' || ${unit}`,
    ResourceId: id,
    ResourceName: id,
    ResourceType: constant('Prepaid Bundle'),
    // the purchase applies its whole cost and all its units to the commitment; burn rows apply what they draw
    ContractApplied: contractApplied(id, amount, units, unit),
    x_CostSource: constant('purchase'),
    x_QuantityEstimated: value(false),
    x_PriceDerived: value(true),
  },
  sourceCost: amount,
  reconcileTo: 'BilledCost',
  reconcile: [
    {
      measure: 'PricingQuantity = purchased_units',
      source: sql`COALESCE(${units}, 0)`,
      stored: sql`COALESCE("PricingQuantity", 0)`,
    },
  ],
  replace: { kind: 'rows', key: ['ResourceId'], anyPartition: true },
});

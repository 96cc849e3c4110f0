// What the legacy AWS Cost and Usage Report and CUR 2.0 share: one data model under two spellings (docs/vendor-
// formats.md#aws). The mapping here is written over CUR 2.0's snake_case names; the legacy source reaches the same
// names through aliases (`lineItem/UnblendedCost` is `line_item_unblended_cost`). Line item types carry the money
// semantics: BilledCost is always the unblended cost (what the invoice adds up), EffectiveCost is the amortized
// cost (RI and Savings Plan usage at its effective rate, the unused part of a commitment on its fee row, upfront
// fees spread into usage and so 0 on their own row), following AWS's own CUR-to-FOCUS mapping
// (https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-focus-1-2-aws.html) and the FinOps
// Foundation's converter (https://github.com/finopsfoundation/focus_converters, conversion_configs/aws).
// Bedrock token line items become token-class rows, their class and model parsed from the usage type
// (https://docs.aws.amazon.com/bedrock/latest/userguide/cost-mgmt-understanding-cur-data.html).
import type { FocusMapKey } from '../focus/schema.js';
import type { InputColumn } from '../normalize/contract.js';
import { checks, constant, decimal, isoTime, MONEY, str, valueMap } from '../normalize/ops.js';
import { ident, litList, type Sql, sql } from '../sql.js';
import { TOKEN_METER } from './llm-common.js';

type FocusMap = Partial<Record<FocusMapKey, Sql>>;

/** The CUR columns the mapping reads, by their CUR 2.0 name (all read as text: money parsed exactly from it). */
export const CUR_COLUMNS = [
  'identity_line_item_id',
  'identity_time_interval',
  'bill_bill_type',
  'bill_billing_entity',
  'bill_invoice_id',
  'bill_invoicing_entity',
  'bill_payer_account_id',
  'bill_payer_account_name',
  'bill_billing_period_start_date',
  'bill_billing_period_end_date',
  'line_item_usage_account_id',
  'line_item_usage_account_name',
  'line_item_line_item_type',
  'line_item_usage_start_date',
  'line_item_usage_end_date',
  'line_item_product_code',
  'line_item_usage_type',
  'line_item_operation',
  'line_item_availability_zone',
  'line_item_resource_id',
  'line_item_usage_amount',
  'line_item_currency_code',
  'line_item_unblended_rate',
  'line_item_unblended_cost',
  'line_item_line_item_description',
  'line_item_legal_entity',
  'line_item_iam_principal',
  'product_region_code',
  'product_servicecode',
  'product_sku',
  'pricing_public_on_demand_cost',
  'pricing_public_on_demand_rate',
  'pricing_unit',
  'pricing_term',
  'pricing_rate_id',
  'pricing_rate_code',
  'reservation_reservation_a_r_n',
  'reservation_effective_cost',
  'reservation_unused_amortized_upfront_fee_for_billing_period',
  'reservation_unused_recurring_fee',
  'reservation_unused_quantity',
  'savings_plan_savings_plan_a_r_n',
  'savings_plan_savings_plan_effective_cost',
  'savings_plan_total_commitment_to_date',
  'savings_plan_used_commitment',
  'capacity_reservation_capacity_reservation_arn',
  'capacity_reservation_capacity_reservation_status',
] as const;

/** Without these a file is not a CUR the mapping can read (money, its type, its time and account). */
export const CUR_REQUIRED = [
  'line_item_line_item_type',
  'line_item_unblended_cost',
  'line_item_usage_start_date',
  'bill_payer_account_id',
];

export function curReaderColumns(extra: Record<string, InputColumn> = {}): Record<string, InputColumn> {
  return {
    ...Object.fromEntries(
      CUR_COLUMNS.map((c) => [c, { type: 'VARCHAR', required: CUR_REQUIRED.includes(c) }]),
    ),
    ...extra,
  };
}

const type = str('line_item_line_item_type');
const unblended = decimal('line_item_unblended_cost');
const zero = sql`CAST(0 AS ${MONEY})`;
const orZero = (name: string) => sql`COALESCE(${decimal(name)}, ${zero})`;
const is = (...types: string[]) => sql`COALESCE(${type} IN ${litList(types)}, false)`;

/** Line item types by what they are on the FOCUS side. */
const RI_USAGE = ['DiscountedUsage'];
const SP_USAGE = ['SavingsPlanCoveredUsage', 'SavingsPlanNegation'];
const RI_FEES = ['RIFee'];
const SP_FEES = ['SavingsPlanRecurringFee', 'SavingsPlanUpfrontFee'];
const USAGE = ['Usage', ...RI_USAGE, ...SP_USAGE];
const DISCOUNTS = [
  'BundledDiscount',
  'Discount',
  'EdpDiscount',
  'PrivateRateDiscount',
  'DistributorDiscount',
  'SppDiscount',
];

export const LINE_ITEM_TYPES = {
  usage: USAGE,
  purchase: ['Fee', ...RI_FEES, ...SP_FEES],
  tax: ['Tax'],
  credit: ['Credit', 'Refund', ...DISCOUNTS],
} as const;

/** FOCUS ChargeCategory of a line item type; a type AWS adds later is an Adjustment (its money still counts). */
const chargeCategory = sql`(CASE
  WHEN ${is(...LINE_ITEM_TYPES.usage)} THEN 'Usage'
  WHEN ${is(...LINE_ITEM_TYPES.purchase)} THEN 'Purchase'
  WHEN ${is('Tax')} THEN 'Tax'
  WHEN ${is(...LINE_ITEM_TYPES.credit)} THEN 'Credit'
  ELSE 'Adjustment' END)`;

const riArn = str('reservation_reservation_a_r_n');
const spArn = str('savings_plan_savings_plan_a_r_n');

/**
 * Amortized cost per line item type. RI and Savings Plan usage costs its effective rate; the negation that cancels
 * Savings Plan covered usage and the upfront fees (spread into that usage) cost 0; a recurring commitment fee costs
 * the part of the commitment left unused (RIFee: unused upfront share + unused recurring fee; Savings Plan: the
 * commitment to date minus what usage took). Everything else costs what it bills.
 */
const effectiveCost = sql`(CASE
  WHEN ${is('DiscountedUsage')} THEN ${orZero('reservation_effective_cost')}
  WHEN ${is('SavingsPlanCoveredUsage')} THEN ${orZero('savings_plan_savings_plan_effective_cost')}
  WHEN ${is('SavingsPlanNegation', 'SavingsPlanUpfrontFee')} THEN ${zero}
  WHEN ${is('SavingsPlanRecurringFee')} THEN ${orZero('savings_plan_total_commitment_to_date')} - ${orZero('savings_plan_used_commitment')}
  WHEN ${is('RIFee')} THEN ${orZero('reservation_unused_amortized_upfront_fee_for_billing_period')} + ${orZero('reservation_unused_recurring_fee')}
  WHEN ${is('Fee')} AND ${riArn} IS NOT NULL THEN ${zero}
  ELSE ${unblended} END)`;

/** The commitment a line item belongs to (RI or Savings Plan), only on the types that are about one. */
const commitmentId = sql`(CASE
  WHEN ${is(...RI_USAGE, ...RI_FEES, 'Fee')} THEN ${riArn}
  WHEN ${is(...SP_USAGE, ...SP_FEES)} THEN ${spArn} END)`;
const isRi = sql`(${commitmentId} IS NOT NULL AND ${is(...RI_USAGE, ...RI_FEES, 'Fee')})`;

/** Commitment status: usage rows consume it; a recurring fee row with an unused part carries that part. */
const commitmentStatus = sql`(CASE WHEN ${commitmentId} IS NULL THEN NULL
  WHEN ${is(...RI_USAGE, ...SP_USAGE)} THEN 'Used'
  WHEN ${is('RIFee', 'SavingsPlanRecurringFee')} AND ${effectiveCost} <> 0 THEN 'Unused' END)`;

const HOURS = ['Hrs', 'Hours', 'Hour', 'hrs', 'hours'];
const usageAmount = decimal('line_item_usage_amount');

/**
 * How much of the commitment a row is about: an RI's hours (usage: hours covered; fee: hours reserved in the
 * period); a Savings Plan's spend (covered usage: its effective cost; recurring fee: the commitment billed).
 * FOCUS wants it only where a row has a SkuPriceId.
 */
function commitmentQuantity(skuPriceId: Sql): { quantity: Sql; unit: Sql } {
  const applies = sql`(${commitmentId} IS NOT NULL AND ${skuPriceId} IS NOT NULL AND ${chargeCategory} IN ('Usage', 'Purchase'))`;
  return {
    quantity: sql`(CASE WHEN NOT ${applies} THEN NULL
      WHEN ${isRi} THEN ${usageAmount}
      WHEN ${is('SavingsPlanCoveredUsage')} THEN ${orZero('savings_plan_savings_plan_effective_cost')}
      WHEN ${is('SavingsPlanNegation')} THEN ${zero}
      ELSE ${unblended} END)`,
    unit: sql`(CASE WHEN NOT ${applies} THEN NULL WHEN ${isRi} THEN 'Hours' ELSE ${str('line_item_currency_code')} END)`,
  };
}

// ---------------------------------------------------------------- Bedrock token rows

/** The usage type lower-cased with `_` as `-`, so `InputTokenCount`, `input_tokens` and `input-tokens` read alike. */
const usageType = str('line_item_usage_type');
const ut = sql`lower(replace(${usageType}, '_', '-'))`;

/**
 * A Bedrock line item: the service says so (product code, service code or product name), or a Marketplace-sold
 * model's usage type names token counts (`USE1-MP:USE1_InputTokenCount-Units`).
 */
export function bedrockRow(productName: Sql): Sql {
  return sql`(${is(...LINE_ITEM_TYPES.usage)} AND (
    COALESCE(lower(${str('line_item_product_code')}) LIKE '%bedrock%', false)
    OR COALESCE(lower(${str('product_servicecode')}) LIKE '%bedrock%', false)
    OR COALESCE(lower(${productName}) LIKE '%bedrock%', false)
    OR COALESCE(${ut} LIKE '%-mp:%token%', false)))`;
}

/** Token class from the usage type (bedrock_usage_type_patterns: cache first, since cache writes say "input"). */
const parsedClass = sql`(CASE
  WHEN ${ut} LIKE '%cache-read%' OR ${ut} LIKE '%cacheread%' THEN 'cache_read'
  WHEN ${ut} LIKE '%cache-write%' OR ${ut} LIKE '%cachewrite%' THEN 'cache_write'
  WHEN regexp_matches(${ut}, 'input-?token') THEN 'input'
  WHEN regexp_matches(${ut}, 'output-?token') THEN 'output'
  ELSE 'other' END)`;

/**
 * The model named inside the usage type: what follows the region prefix and precedes the token direction
 * (`USE1-Claude4.6Sonnet-input-tokens` -> `Claude4.6Sonnet`, `…-mantle-input-tokens-…` likewise). Marketplace-style
 * names carry none (`USE1-MP:USE1_InputTokenCount-Units`): the product name stands in.
 */
const modelInUsageType = sql`NULLIF(regexp_extract(${usageType},
  '^(?:[A-Za-z]{2,4}[0-9]+-)?([^:]+?)-(?:mantle-)?(?:input|output|cache-read|cache-write)-', 1), '')`;

/** Tokens per unit of `pricing_unit`: Bedrock bills tokens by the token, the 1K or the 1M depending on SKU. */
const tokensPerUnit = (unit: Sql): Sql => sql`(CASE
  WHEN regexp_matches(lower(COALESCE(${unit}, '')), '(^|[^0-9])1\\s*(m|million)|1,000,000|1000000') THEN 1000000
  WHEN regexp_matches(lower(COALESCE(${unit}, '')), '(^|[^0-9])1\\s*(k|thousand)|1,000|1000') THEN 1000
  ELSE 1 END)`;

export interface CurMapOptions {
  /** The product's display name (legacy `product/ProductName`, CUR 2.0 `product['product_name']`). */
  productName: Sql;
  /** The product's region name (legacy `product/region`, CUR 2.0 `product['region']`). */
  regionName: Sql;
  /** FOCUS Tags as JSON text (resource tags, plus the IAM principal when present). */
  tags: Sql;
}

/** ServiceCategory by product code, for the services seen in CUR data; others are `Other`. */
const SERVICE_CATEGORY: Record<string, string> = {
  AmazonBedrock: 'AI and Machine Learning',
  AmazonSageMaker: 'AI and Machine Learning',
  AmazonEC2: 'Compute',
  AWSLambda: 'Compute',
  AmazonECS: 'Compute',
  AmazonEKS: 'Compute',
  AWSCloudShell: 'Developer Tools',
  AmazonS3: 'Storage',
  AmazonEFS: 'Storage',
  AmazonRDS: 'Databases',
  AmazonDynamoDB: 'Databases',
  AWSGlue: 'Analytics',
  AmazonAthena: 'Analytics',
  AWSQueueService: 'Integration',
  AmazonSNS: 'Integration',
  AmazonStates: 'Integration',
  AmazonCloudWatch: 'Management and Governance',
  AWSCloudTrail: 'Management and Governance',
  awskms: 'Security',
  AWSSecretsManager: 'Security',
  AWSDataTransfer: 'Networking',
  AmazonVPC: 'Networking',
  AWSIoT: 'Internet of Things',
  AWSMigrationHubRefactorSpaces: 'Migration',
};

/** ServiceSubcategory: the few services with a precise one, else the category's own "Other (…)". */
const SERVICE_SUBCATEGORY: Record<string, string> = {
  AmazonBedrock: 'Generative AI',
  AmazonSageMaker: 'Machine Learning',
  AmazonEC2: 'Virtual Machines',
  AWSLambda: 'Serverless Compute',
  AmazonECS: 'Containers',
  AmazonEKS: 'Containers',
  AmazonS3: 'Object Storage',
  AmazonEFS: 'File Storage',
  AmazonRDS: 'Relational Databases',
  AmazonDynamoDB: 'NoSQL Databases',
  AWSQueueService: 'Messaging',
  AmazonSNS: 'Messaging',
  AmazonStates: 'Workflow Orchestration',
  AmazonCloudWatch: 'Observability',
  AWSCloudTrail: 'Observability',
  AWSSecretsManager: 'Secret Management',
  AWSGlue: 'Data Processing',
};

/**
 * A capacity reservation a usage row belongs to: CUR 2.0's opt-in columns when present, else (legacy) a `cr-…`
 * resource id, whose `UnusedBox`/`UnusedDed` usage types are the unused hours.
 */
const capacityId = sql`(CASE WHEN ${is(...LINE_ITEM_TYPES.usage)} THEN COALESCE(
  ${str('capacity_reservation_capacity_reservation_arn')},
  CASE WHEN regexp_matches(COALESCE(${str('line_item_resource_id')}, ''), '(^|/)cr-[0-9a-f]+$') THEN ${str('line_item_resource_id')} END) END)`;
const capacityStatus = sql`(CASE WHEN ${capacityId} IS NULL THEN NULL
  WHEN lower(COALESCE(${str('capacity_reservation_capacity_reservation_status')}, '')) = 'unused'
    OR regexp_matches(COALESCE(${usageType}, ''), 'Unused(Box|Ded)') THEN 'Unused'
  ELSE 'Used' END)`;

/** The FOCUS map of a CUR (either spelling, once its columns have their CUR 2.0 names). */
export function curMap(o: CurMapOptions): FocusMap {
  const bedrock = bedrockRow(o.productName);
  const tokenClass = sql`(CASE WHEN ${bedrock} THEN ${parsedClass} END)`;
  const isTokens = sql`COALESCE(${tokenClass} <> 'other', false)`;
  // the rate code starts with the SKU in real exports; where it does not (anonymised samples), the SKU is
  // prefixed so that a SkuPriceId has exactly one parent SkuId
  const rate = sql`COALESCE(${str('pricing_rate_code')}, ${str('pricing_rate_id')})`;
  const skuPriceId = sql`(CASE WHEN ${rate} IS NULL THEN NULL
    WHEN ${str('product_sku')} IS NULL OR starts_with(${rate}, ${str('product_sku')}) THEN ${rate}
    ELSE ${str('product_sku')} || ':' || ${rate} END)`;
  const category = chargeCategory;
  const service = valueMap(str('line_item_product_code'), SERVICE_CATEGORY, constant('Other'));
  const contractedPrice = sql`CASE WHEN ${category} IN ('Usage', 'Purchase') THEN ${decimal('line_item_unblended_rate')} END`;
  // ContractedCost is price x quantity (AWS rounds the unblended cost to 10 decimals, its rate x amount is exact);
  // factors cast down so the DECIMAL product cannot overflow (TRAPS: scales add)
  const contractedCost = sql`COALESCE(CAST(CAST(${contractedPrice} AS DECIMAL(38,12)) * CAST(${usageAmount} AS DECIMAL(38,12)) AS ${MONEY}), ${unblended})`;
  const cq = commitmentQuantity(skuPriceId);
  const pricingUnit = str('pricing_unit');
  const consumed = sql`(${category} = 'Usage' AND COALESCE(${commitmentStatus}, '') <> 'Unused')`;
  const priced = sql`(${category} IN ('Usage', 'Purchase'))`;
  return {
    BillingAccountId: str('bill_payer_account_id'),
    BillingAccountName: sql`COALESCE(${str('bill_payer_account_name')}, ${str('bill_payer_account_id')})`,
    BillingAccountType: constant('Payer Account'),
    SubAccountId: str('line_item_usage_account_id'),
    SubAccountName: sql`COALESCE(${str('line_item_usage_account_name')}, ${str('line_item_usage_account_id')})`,
    SubAccountType: sql`CASE WHEN ${str('line_item_usage_account_id')} IS NOT NULL THEN 'Linked Account' END`,
    BillingCurrency: sql`upper(${str('line_item_currency_code')})`,
    BillingPeriodStart: isoTime('bill_billing_period_start_date'),
    BillingPeriodEnd: isoTime('bill_billing_period_end_date'),
    ChargePeriodStart: isoTime('line_item_usage_start_date'),
    ChargePeriodEnd: sql`COALESCE(${isoTime('line_item_usage_end_date')}, ${isoTime('line_item_usage_start_date')})`,
    InvoiceId: str('bill_invoice_id'),
    InvoiceIssuerName: sql`COALESCE(${str('bill_invoicing_entity')}, 'Amazon Web Services, Inc.')`,
    ServiceProviderName: constant('AWS'),
    HostProviderName: constant('AWS'),
    ProviderName: constant('AWS'),
    PublisherName: sql`COALESCE(${str('line_item_legal_entity')}, 'AWS')`,
    ServiceName: sql`COALESCE(${o.productName}, ${str('line_item_product_code')}, 'AWS')`,
    ServiceCategory: service,
    ServiceSubcategory: sql`(CASE WHEN ${bedrock} THEN 'Generative AI'
      ELSE ${valueMap(str('line_item_product_code'), SERVICE_SUBCATEGORY, sql`'Other (' || ${service} || ')'`)} END)`,
    ChargeCategory: category,
    ChargeFrequency: sql`(CASE
      WHEN ${is('RIFee', 'SavingsPlanRecurringFee')} THEN 'Recurring'
      WHEN ${is('Fee', 'SavingsPlanUpfrontFee', 'Tax', 'Credit', 'Refund')} THEN 'One-Time'
      ELSE 'Usage-Based' END)`,
    ChargeDescription: sql`COALESCE(${str('line_item_line_item_description')}, ${type})`,
    BilledCost: unblended,
    EffectiveCost: effectiveCost,
    ListCost: sql`(CASE WHEN ${is(...LINE_ITEM_TYPES.usage)} AND NOT ${is('SavingsPlanNegation')}
      THEN COALESCE(${decimal('pricing_public_on_demand_cost')}, ${unblended}) ELSE ${unblended} END)`,
    ContractedCost: contractedCost,
    ListUnitPrice: sql`CASE WHEN ${priced} THEN ${decimal('pricing_public_on_demand_rate')} END`,
    ContractedUnitPrice: contractedPrice,
    PricingCategory: sql`(CASE WHEN NOT ${priced} THEN NULL
      WHEN ${commitmentId} IS NOT NULL THEN 'Committed'
      WHEN lower(COALESCE(${str('pricing_term')}, '')) = 'spot' THEN 'Dynamic'
      ELSE 'Standard' END)`,
    PricingQuantity: sql`CASE WHEN ${priced} THEN ${usageAmount} END`,
    PricingUnit: sql`CASE WHEN ${priced} THEN ${pricingUnit} END`,
    ConsumedQuantity: sql`(CASE WHEN NOT ${consumed} THEN NULL
      WHEN ${isTokens} THEN CAST(${usageAmount} * ${tokensPerUnit(pricingUnit)} AS ${MONEY})
      ELSE ${usageAmount} END)`,
    ConsumedUnit: sql`(CASE WHEN NOT ${consumed} THEN NULL WHEN ${isTokens} THEN 'Tokens'
      WHEN ${pricingUnit} IN ${litList(HOURS)} THEN 'Hours' ELSE ${pricingUnit} END)`,
    SkuId: str('product_sku'),
    SkuPriceId: skuPriceId,
    SkuMeter: sql`(CASE WHEN ${isTokens} THEN ${valueMap(tokenClass, TOKEN_METER)} ELSE ${usageType} END)`,
    RegionId: str('product_region_code'),
    RegionName: sql`CASE WHEN ${str('product_region_code')} IS NOT NULL THEN ${o.regionName} END`,
    AvailabilityZone: str('line_item_availability_zone'),
    ResourceId: str('line_item_resource_id'),
    Tags: o.tags,
    CommitmentDiscountId: commitmentId,
    CommitmentDiscountType: sql`(CASE WHEN ${commitmentId} IS NULL THEN NULL WHEN ${isRi} THEN 'Reservation' ELSE 'Savings Plan' END)`,
    CommitmentDiscountCategory: sql`(CASE WHEN ${commitmentId} IS NULL THEN NULL WHEN ${isRi} THEN 'Usage' ELSE 'Spend' END)`,
    CommitmentDiscountStatus: commitmentStatus,
    CommitmentDiscountQuantity: cq.quantity,
    CommitmentDiscountUnit: cq.unit,
    CapacityReservationId: capacityId,
    CapacityReservationStatus: capacityStatus,
    x_CostSource: constant('cloud-export'),
    x_ModelRaw: sql`(CASE WHEN ${isTokens} THEN COALESCE(${modelInUsageType}, ${o.productName}) END)`,
    x_TokenClass: tokenClass,
    x_Modality: sql`CASE WHEN ${isTokens} THEN 'text' END`,
    x_ServiceTier: sql`CASE WHEN ${bedrock} THEN NULLIF(regexp_extract(${ut}, '(priority|flex|batch)', 1), '') END`,
  };
}

/** Why CUR leaves ChargeClass NULL (the contract's completeness rule). */
export const CUR_ABSENT = {
  ChargeClass:
    'CUR restates the open month instead of issuing corrections; a refund of an earlier period is a Refund line item (ChargeCategory Credit)',
};

export const CUR_CHECKS = [
  checks.required('line_item_line_item_type'),
  checks.number('line_item_unblended_cost'),
  checks.required('line_item_unblended_cost'),
  checks.isoTime('line_item_usage_start_date'),
  checks.number('line_item_usage_amount'),
  checks.required('bill_payer_account_id'),
];

/** Bedrock rows whose usage type names no known token count: kept as class `other`, reported with examples. */
export const BEDROCK_OTHER_NOTE = {
  where: sql`${ident('x_TokenClass')} = 'other'`,
  example: ident('SkuMeter'),
  note: 'Bedrock line items with a usage type that names no known token count, kept as token class "other"',
};

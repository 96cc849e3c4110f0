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

// the values most expressions read, parsed once per record by CUR_LETS (the text -> DECIMAL cast is the costly part)
const type = ident('aws_type');
const unblended = ident('aws_cost');
const rate = ident('aws_rate');
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
  /** Metered consumption (Bedrock and capacity reservation rows are among these). */
  usage: USAGE,
  commitmentFees: ['Fee', ...RI_FEES, ...SP_FEES],
  tax: ['Tax'],
  credit: ['Credit', 'Refund', ...DISCOUNTS],
} as const;

const riArn = str('reservation_reservation_a_r_n');
const spArn = str('savings_plan_savings_plan_a_r_n');

/**
 * FOCUS ChargeCategory of a line item type. A commitment's upfront fee is a Purchase (it covers later usage); its
 * recurring fee is the Unused usage of the commitment (FOCUS has the unused part of a commitment as a Usage row, and
 * AWS bills it on that fee row); a Fee that belongs to no commitment (support, registrations) is a one-time charge
 * whose cost counts when it is billed, so Usage too. A type AWS adds later is an Adjustment (its money still counts).
 */
const chargeCategory = sql`(CASE
  WHEN ${is(...USAGE, ...RI_FEES, 'SavingsPlanRecurringFee')} THEN 'Usage'
  WHEN ${is('SavingsPlanUpfrontFee')} OR (${is('Fee')} AND ${riArn} IS NOT NULL) THEN 'Purchase'
  WHEN ${is('Fee')} THEN 'Usage'
  WHEN ${is('Tax')} THEN 'Tax'
  WHEN ${is(...LINE_ITEM_TYPES.credit)} THEN 'Credit'
  ELSE 'Adjustment' END)`;

const spUnused = sql`${orZero('savings_plan_total_commitment_to_date')} - ${orZero('savings_plan_used_commitment')}`;

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
  WHEN ${is('SavingsPlanRecurringFee')} THEN ${spUnused}
  WHEN ${is('RIFee')} THEN ${orZero('reservation_unused_amortized_upfront_fee_for_billing_period')} + ${orZero('reservation_unused_recurring_fee')}
  WHEN ${is('Fee')} AND ${riArn} IS NOT NULL THEN ${zero}
  ELSE ${unblended} END)`;

/** The commitment a line item belongs to (RI or Savings Plan), only on the types that are about one. */
const commitmentId = sql`(CASE
  WHEN ${is(...RI_USAGE, ...RI_FEES, 'Fee')} THEN ${riArn}
  WHEN ${is(...SP_USAGE, ...SP_FEES)} THEN ${spArn} END)`;
const isRi = sql`(${ident('aws_commitment')} IS NOT NULL AND ${is(...RI_USAGE, ...RI_FEES, 'Fee')})`;

/** Commitment status of Usage rows: covered usage consumed it; a recurring fee row carries its unused part. */
const commitmentStatus = sql`(CASE WHEN ${ident('aws_commitment')} IS NULL THEN NULL
  WHEN ${is(...RI_USAGE, ...SP_USAGE)} THEN 'Used'
  WHEN ${is('RIFee', 'SavingsPlanRecurringFee')} THEN 'Unused' END)`;

const HOURS = ['Hrs', 'Hours', 'Hour', 'hrs', 'hours'];
const usageAmount = ident('aws_amount');

/**
 * How much of the commitment a row is about: an RI's hours (covered usage: the hours; recurring fee: the hours left
 * unused; upfront fee: its quantity), a Savings Plan's spend (covered usage: its effective cost; recurring fee: the
 * commitment left unused; upfront fee: its amount). FOCUS wants it only where a row has a SkuPriceId.
 */
function commitmentQuantity(skuPriceId: Sql): { quantity: Sql; unit: Sql } {
  const applies = sql`(${ident('aws_commitment')} IS NOT NULL AND ${skuPriceId} IS NOT NULL AND ${ident('aws_category')} IN ('Usage', 'Purchase'))`;
  return {
    quantity: sql`(CASE WHEN NOT ${applies} THEN NULL
      WHEN ${is('RIFee')} THEN ${orZero('reservation_unused_quantity')}
      WHEN ${isRi} THEN ${usageAmount}
      WHEN ${is('SavingsPlanCoveredUsage')} THEN ${orZero('savings_plan_savings_plan_effective_cost')}
      WHEN ${is('SavingsPlanNegation')} THEN ${zero}
      WHEN ${is('SavingsPlanRecurringFee')} THEN ${spUnused}
      ELSE ${unblended} END)`,
    unit: sql`(CASE WHEN NOT ${applies} THEN NULL WHEN ${isRi} THEN 'Hours' ELSE ${str('line_item_currency_code')} END)`,
  };
}

// ---------------------------------------------------------------- Bedrock token rows

/** The usage type lower-cased with `_` as `-`, so `InputTokenCount`, `input_tokens` and `input-tokens` read alike. */
const usageType = str('line_item_usage_type');
const folded = (u: Sql) => sql`lower(replace(${u}, '_', '-'))`;
const ut = folded(usageType);

/**
 * A Bedrock line item: the service says so (product code or service code), or a Marketplace-sold
 * model's usage type names token counts (`USE1-MP:USE1_InputTokenCount-Units`).
 */
const bedrockRow = sql`(${is(...LINE_ITEM_TYPES.usage)} AND (
    COALESCE(lower(${str('line_item_product_code')}) LIKE '%bedrock%', false)
    OR COALESCE(lower(${str('product_servicecode')}) LIKE '%bedrock%', false)
    OR COALESCE(${ut} LIKE '%-mp:%token%', false)))`;

/**
 * Token class from a usage type (the documented patterns and the Marketplace-style ones, case and `_`/`-`
 * folded); cache first, since a cache write says "input" too. Anything else is `other`.
 */
export function tokenClassOf(usage: Sql): Sql {
  const u = folded(usage);
  return sql`(CASE
  WHEN ${u} LIKE '%cache-read%' OR ${u} LIKE '%cacheread%' THEN 'cache_read'
  WHEN ${u} LIKE '%cache-write%' OR ${u} LIKE '%cachewrite%' THEN 'cache_write'
  WHEN regexp_matches(${u}, 'input-?token') THEN 'input'
  WHEN regexp_matches(${u}, 'output-?token') THEN 'output'
  ELSE 'other' END)`;
}

/**
 * The model named inside the usage type: what follows the region prefix and precedes the token direction
 * (`USE1-Claude4.6Sonnet-input-tokens` -> `Claude4.6Sonnet`, `…-mantle-input-tokens-…` likewise). Marketplace-style
 * names carry none (`USE1-MP:USE1_InputTokenCount-Units`): NULL, and the caller's fallback stands in.
 */
export const modelOf = (usage: Sql): Sql => sql`NULLIF(regexp_extract(${usage},
  '^(?:[A-Za-z]{2,4}[0-9]+-)?([^:]+?)-(?:mantle-)?(?:input|output|cache-read|cache-write)-', 1), '')`;

/** Service tier named in a usage type (priority, flex, batch), else NULL. */
export const tierOf = (usage: Sql): Sql =>
  sql`NULLIF(regexp_extract(${folded(usage)}, '(priority|flex|batch)', 1), '')`;

/** Tokens per unit of a pricing unit: Bedrock bills tokens by the token, the 1K or the 1M depending on SKU. */
export const tokensPerUnit = (unit: Sql): Sql => sql`(CASE
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
  ComputeSavingsPlans: 'Compute',
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

// the rate code starts with the SKU in real exports; where it does not (anonymised samples), the SKU is prefixed
// so that a SkuPriceId has exactly one parent SkuId
const rateCode = sql`COALESCE(${str('pricing_rate_code')}, ${str('pricing_rate_id')})`;
const skuPriceId = sql`(CASE WHEN ${rateCode} IS NULL THEN NULL
  WHEN ${str('product_sku')} IS NULL OR starts_with(${rateCode}, ${str('product_sku')}) THEN ${rateCode}
  ELSE ${str('product_sku')} || ':' || ${rateCode} END)`;

/**
 * Per-record values the map reads several times, computed once (the source's `let` columns). A negative rate (a
 * Savings Plan negation) is a positive price of a negative quantity, as FOCUS wants prices non-negative and
 * price x quantity = cost.
 */
export const CUR_LETS: Record<string, Sql> = {
  aws_type: str('line_item_line_item_type'),
  aws_cost: decimal('line_item_unblended_cost'),
  aws_rate: decimal('line_item_unblended_rate'),
  aws_amount: decimal('line_item_usage_amount'),
  aws_category: chargeCategory,
  aws_commitment: commitmentId,
  aws_bedrock: bedrockRow,
  aws_sku_price: skuPriceId,
  aws_sign: sql`(CASE WHEN ${rate} < 0 THEN -1 ELSE 1 END)`,
};
const cat = ident('aws_category');
const cid = ident('aws_commitment');
const bedrock = ident('aws_bedrock');
const sign = ident('aws_sign');
const amount = ident('aws_amount');

/** The FOCUS map of a CUR (either spelling, once its columns have their CUR 2.0 names); reads CUR_LETS. */
export function curMap(o: CurMapOptions): FocusMap {
  const tokenClass = sql`(CASE WHEN ${bedrock} THEN ${tokenClassOf(usageType)} END)`;
  const isTokens = sql`COALESCE(${tokenClass} <> 'other', false)`;
  const priced = sql`(${cat} IN ('Usage', 'Purchase'))`;
  const service = sql`(CASE WHEN ${bedrock} THEN 'AI and Machine Learning'
    ELSE ${valueMap(str('line_item_product_code'), SERVICE_CATEGORY, constant('Other'))} END)`;
  const quantity = sql`CASE WHEN ${priced} THEN ${amount} * ${sign} END`;
  const contractedPrice = sql`CASE WHEN ${priced} THEN abs(${rate}) END`;
  const listPrice = sql`CASE WHEN ${priced} THEN COALESCE(abs(${decimal('pricing_public_on_demand_rate')}), ${contractedPrice}) END`;
  // a cost is its price x quantity where both are known (AWS rounds the unblended cost to 10 decimals; its rate x
  // amount is exact); factors cast down so the DECIMAL product cannot overflow (scales add)
  const times = (price: Sql) =>
    sql`CAST(CAST(${price} AS DECIMAL(38,12)) * CAST(${quantity} AS DECIMAL(38,12)) AS ${MONEY})`;
  const cq = commitmentQuantity(ident('aws_sku_price'));
  const pricingUnit = str('pricing_unit');
  const consumed = sql`(${cat} = 'Usage' AND COALESCE(${commitmentStatus}, '') <> 'Unused')`;
  const resource = str('line_item_resource_id');
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
    ChargeCategory: cat,
    ChargeFrequency: sql`(CASE
      WHEN ${is('RIFee', 'SavingsPlanRecurringFee')} THEN 'Recurring'
      WHEN ${is('Fee', 'SavingsPlanUpfrontFee', 'Tax', 'Credit', 'Refund')} THEN 'One-Time'
      ELSE 'Usage-Based' END)`,
    ChargeDescription: sql`COALESCE(${str('line_item_line_item_description')}, ${type})`,
    BilledCost: unblended,
    EffectiveCost: effectiveCost,
    ListCost: sql`COALESCE(${times(listPrice)}, ${unblended})`,
    ContractedCost: sql`COALESCE(${times(contractedPrice)}, ${unblended})`,
    ListUnitPrice: listPrice,
    ContractedUnitPrice: contractedPrice,
    PricingCategory: sql`(CASE WHEN NOT ${priced} THEN NULL
      WHEN ${cid} IS NOT NULL THEN 'Committed'
      WHEN lower(COALESCE(${str('pricing_term')}, '')) = 'spot' THEN 'Dynamic'
      ELSE 'Standard' END)`,
    PricingQuantity: quantity,
    PricingUnit: sql`CASE WHEN ${priced} THEN ${pricingUnit} END`,
    ConsumedQuantity: sql`(CASE WHEN NOT ${consumed} THEN NULL
      WHEN ${isTokens} THEN CAST(${amount} * ${tokensPerUnit(pricingUnit)} AS ${MONEY})
      ELSE ${amount} END)`,
    ConsumedUnit: sql`(CASE WHEN NOT ${consumed} THEN NULL WHEN ${isTokens} THEN 'Tokens'
      WHEN ${pricingUnit} IN ${litList(HOURS)} THEN 'Hours' ELSE ${pricingUnit} END)`,
    SkuId: str('product_sku'),
    SkuPriceId: ident('aws_sku_price'),
    SkuMeter: sql`(CASE WHEN ${str('product_sku')} IS NULL THEN NULL
      WHEN ${isTokens} THEN ${valueMap(tokenClass, TOKEN_METER)} ELSE ${usageType} END)`,
    RegionId: str('product_region_code'),
    RegionName: sql`CASE WHEN ${str('product_region_code')} IS NOT NULL THEN ${o.regionName} END`,
    AvailabilityZone: str('line_item_availability_zone'),
    ResourceId: resource,
    ResourceType: resourceType(resource),
    Tags: o.tags,
    CommitmentDiscountId: cid,
    CommitmentDiscountType: sql`(CASE WHEN ${cid} IS NULL THEN NULL WHEN ${isRi} THEN 'Reservation' ELSE 'Savings Plan' END)`,
    CommitmentDiscountCategory: sql`(CASE WHEN ${cid} IS NULL THEN NULL WHEN ${isRi} THEN 'Usage' ELSE 'Spend' END)`,
    CommitmentDiscountStatus: commitmentStatus,
    CommitmentDiscountQuantity: cq.quantity,
    CommitmentDiscountUnit: cq.unit,
    CapacityReservationId: capacityId,
    CapacityReservationStatus: capacityStatus,
    x_CostSource: constant('cloud-export'),
    x_ModelRaw: sql`(CASE WHEN ${isTokens} THEN COALESCE(${modelOf(usageType)}, ${o.productName}) END)`,
    x_TokenClass: tokenClass,
    x_Modality: sql`CASE WHEN ${isTokens} THEN 'text' END`,
    x_ServiceTier: sql`CASE WHEN ${bedrock} THEN ${tierOf(usageType)} END`,
  };
}

/** Resource id prefixes of the common EC2 resources; an ARN names its own type; else the product code. */
const RESOURCE_PREFIX: Record<string, string> = {
  i: 'Instance',
  cr: 'Capacity Reservation',
  vol: 'Volume',
  snap: 'Snapshot',
  eni: 'Network Interface',
  nat: 'NAT Gateway',
  eipalloc: 'Elastic IP',
};
function resourceType(id: Sql): Sql {
  return sql`(CASE WHEN ${id} IS NULL THEN NULL
    WHEN starts_with(${id}, 'arn:') THEN NULLIF(regexp_extract(${id}, '^arn:[^:]*:[^:]*:[^:]*:[^:]*:([^/:]+)[/:]', 1), '')
    ELSE COALESCE(${valueMap(sql`regexp_extract(${id}, '^([a-z]+)-[0-9a-f]+$', 1)`, RESOURCE_PREFIX)}, ${str('line_item_product_code')}) END)`;
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

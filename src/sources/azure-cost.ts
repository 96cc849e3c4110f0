// Azure Cost Management cost details exports (EA and MCA, actual and amortized; the legacy pay-as-you-go usage CSV).
// Headers vary by account type, API version and portal language (docs/vendor-formats.md#azure): PascalCase (EA),
// camelCase (MCA), `PreTaxCost`/`UsageDateTime` (pay-as-you-go), a UTF-8 BOM, and localized labels with the English
// name in parentheses (matched by that name, normalize/read-input.ts). The rows staged here are the export's own:
// BilledCost = EffectiveCost = its cost. Whether the file is the actual or the amortized export, and how the two of
// one period join (BilledCost from actual, EffectiveCost from amortized), is decided after staging by
// ingest/azure-join.ts, which writes the focus/ rows.
import { defineSource, type InputColumn } from '../normalize/contract.js';
import { checks, coalesce, constant, decimal, divideExact, oneOf, str, valueMap } from '../normalize/ops.js';
import { type Sql, sql } from '../sql.js';
import {
  armResourceType,
  azureDate,
  azurePricingUnit,
  azureServiceCategory,
  azureTags,
  blockSize,
  blockUnit,
  isTokenMeter,
  meterModel,
  meterTokenClass,
  tokenPricingUnit,
} from './azure-common.js';

/**
 * Localized labels without the bracketed English name, by the declared column they stand for. Only translations seen
 * in published exports (German, from the header sets OpenCost's parser accepts: `Ressourcengruppe (ResourceGroup)`,
 * `Abonnement-GUID (SubscriptionGuid)`, ...): an export that prints the label alone still maps. A required column with
 * an unknown label (`Cost`, `Date`) is reported missing, naming the file's header.
 */
const LOCALIZED: Record<string, string[]> = {
  SubscriptionId: ['Abonnement-GUID'],
  ResourceGroup: ['Ressourcengruppe'],
  ResourceLocation: ['Ressourcenstandort'],
  MeterId: ['ID der Verbrauchseinheit'],
  MeterName: ['Name der Verbrauchseinheit'],
  MeterRegion: ['Region der Verbrauchseinheit'],
  UnitPrice: ['Ressourcensatz'],
  UnitOfMeasure: ['Maßeinheit'],
};

/** Declared input columns (EA PascalCase names) and their other spellings in the header variants. */
const SPELLINGS: Record<string, string[]> = {
  // declared as in_X where X is also a FOCUS column: an absent input column drops the FOCUS column of the same
  // name from the map (normalize/map-sql.ts), and these have fallbacks
  in_BillingAccountId: ['BillingAccountId'],
  in_BillingAccountName: ['BillingAccountName'],
  in_PublisherName: ['PublisherName'],
  in_ServiceName: ['ServiceName'],
  in_ResourceName: ['ResourceName'],
  in_BillingCurrency: ['BillingCurrency', 'BillingCurrencyCode', 'Currency'],
  Cost: ['CostInBillingCurrency', 'PreTaxCost'],
  SubscriptionId: ['SubscriptionGuid'],
  Date: ['UsageDateTime', 'UsageDate'],
  Product: ['ProductName'],
  Quantity: ['UsageQuantity'],
  UnitPrice: ['ResourceRate'],
  ResourceId: ['InstanceId', 'InstanceName'],
  ResourceGroup: ['ResourceGroupName'],
  InvoiceSection: ['InvoiceSectionName'],
  ResourceLocation: ['Location'],
};
const ALIASES: Record<string, string[]> = Object.fromEntries(
  [...new Set([...Object.keys(SPELLINGS), ...Object.keys(LOCALIZED)])].map((k) => [
    k,
    [...(SPELLINGS[k] ?? []), ...(LOCALIZED[k] ?? [])],
  ]),
);

const NAMES = [
  'in_BillingAccountId',
  'in_BillingAccountName',
  'BillingPeriodStartDate',
  'BillingPeriodEndDate',
  'BillingProfileId',
  'BillingProfileName',
  'SubscriptionId',
  'SubscriptionName',
  'Date',
  'Product',
  'PartNumber',
  'MeterId',
  'MeterCategory',
  'MeterSubCategory',
  'MeterName',
  'MeterRegion',
  'in_ServiceName',
  'Quantity',
  'UnitPrice',
  'PayGPrice',
  'Cost',
  'in_BillingCurrency',
  'PricingCurrency',
  'CostInPricingCurrency',
  'CostInUsd',
  'ExchangeRatePricingToBilling',
  'ResourceLocation',
  'AvailabilityZone',
  'ConsumedService',
  'ResourceId',
  'in_ResourceName',
  'ResourceGroup',
  'Tags',
  'InvoiceId',
  'InvoiceSectionId',
  'InvoiceSection',
  'UnitOfMeasure',
  'ReservationId',
  'ReservationName',
  'benefitId',
  'benefitName',
  'in_PublisherName',
  'PublisherType',
  'ChargeType',
  'Frequency',
  'PricingModel',
  'Term',
];

const columns: Record<string, InputColumn> = Object.fromEntries(
  NAMES.map((n) => [n, { type: 'VARCHAR', required: n === 'Cost' || n === 'Date' }]),
);

const cost = decimal('Cost');
const qty = decimal('Quantity');
/** A product of two DECIMAL(38,18) values, each cast to 12 decimals first so the scale (24) cannot overflow. */
const times = (a: Sql, b: Sql): Sql =>
  sql`CAST(CAST(${a} AS DECIMAL(38,12)) * CAST(${b} AS DECIMAL(38,12)) AS DECIMAL(38,18))`;

const chargeType = str('ChargeType');
const commitmentId = coalesce(str('benefitId'), str('ReservationId'));
const commitmentName = coalesce(str('benefitName'), str('ReservationName'));
const commitmentKind = sql`(CASE WHEN ${str('PricingModel')} = 'SavingsPlan' OR lower(${commitmentId}) LIKE '%savingsplan%' THEN 'Savings Plan'
  WHEN ${str('PricingModel')} = 'Reservation' OR ${commitmentId} IS NOT NULL THEN 'Reservation' END)`;
const category = valueMap(
  chargeType,
  {
    Usage: 'Usage',
    UnusedReservation: 'Usage',
    UnusedSavingsPlan: 'Usage',
    Purchase: 'Purchase',
    Refund: 'Purchase',
    Tax: 'Tax',
    RoundingAdjustment: 'Adjustment',
  },
  sql`(CASE WHEN ${chargeType} IS NULL THEN 'Usage' ELSE 'Adjustment' END)`,
);
const isUsage = sql`(${category} = 'Usage')`;
/** FOCUS: consumption is measured on usage rows, except unused commitment hours. */
const consumed = sql`(${isUsage} AND COALESCE(${chargeType} NOT IN ('UnusedReservation', 'UnusedSavingsPlan'), true))`;
const unit = str('UnitOfMeasure');
const token = isTokenMeter(str('MeterName'), str('MeterSubCategory'));
const block = blockSize(unit);
/** Unit prices as exported: in the pricing currency (MCA prices in USD and bills in the billing currency). */
const listPricePc = coalesce(decimal('PayGPrice'), decimal('UnitPrice'));
const contractedPricePc = coalesce(decimal('UnitPrice'), decimal('PayGPrice'));
const billing = coalesce(sql`upper(${str('in_BillingCurrency')})`, constant('USD'));
const pricing = coalesce(sql`upper(${str('PricingCurrency')})`, billing);
/** Pricing -> billing currency: MCA's exchangeRatePricingToBilling when the currencies differ, else 1. */
const rate = sql`(CASE WHEN ${pricing} = ${billing} THEN CAST(1 AS DECIMAL(38,18))
  ELSE COALESCE(${decimal('ExchangeRatePricingToBilling')}, CAST(1 AS DECIMAL(38,18))) END)`;
const listPrice = sql`(CASE WHEN ${pricing} = ${billing} THEN ${listPricePc} ELSE ${times(listPricePc, rate)} END)`;
const contractedPrice = sql`(CASE WHEN ${pricing} = ${billing} THEN ${contractedPricePc} ELSE ${times(contractedPricePc, rate)} END)`;
const periodStart = coalesce(
  azureDate(str('BillingPeriodStartDate')),
  sql`date_trunc('month', ${azureDate(str('Date'))})`,
);
// the export's end date is the last day of the period (inclusive); FOCUS periods end exclusive
const periodEnd = coalesce(
  sql`${azureDate(str('BillingPeriodEndDate'))} + INTERVAL 1 DAY`,
  sql`date_trunc('month', ${azureDate(str('Date'))}) + INTERVAL 1 MONTH`,
);
const account = coalesce(
  str('in_BillingAccountId'),
  sql`_account`,
  str('SubscriptionId'),
  constant('Microsoft'),
);

export const azureCost = defineSource({
  id: 'azure-cost',
  title: 'Azure cost details export (EA / MCA, actual or amortized)',
  family: 'cloud',
  dataset: 'focus',
  detects:
    'Cost Management cost details CSV: MeterCategory/MeterId with Cost, CostInBillingCurrency or PreTaxCost (EA, MCA, pay-as-you-go; localized headers)',
  aliases: ALIASES,
  detect: [
    {
      format: 'csv',
      header: { all: ['Cost', 'MeterCategory'], any: ['MeterId', 'ConsumedService', 'SubscriptionId'] },
    },
    {
      format: 'csv',
      header: { all: ['Cost', 'Date'], any: ['MeterName', 'ConsumedService', 'AdditionalInfo'], atLeast: 2 },
    },
  ],
  reader: () => ({ kind: 'csv', columns }),
  // a record with no cost, meter, product, resource or charge type is blank (the upstream BOM header set's only row
  // carries nothing but a date): skipped and counted, not an error
  where: sql`NOT (${
    ['Cost', 'MeterId', 'MeterCategory', 'MeterName', 'Product', 'ResourceId', 'ChargeType']
      .map((c) => sql`${str(c)} IS NULL`)
      .join(' AND ') as Sql
  })`,
  skippedNote: 'blank records (no cost, meter, product, resource or charge type) skipped',
  inspect(absent) {
    const warnings: string[] = [];
    if (absent.includes('in_BillingCurrency'))
      warnings.push('no currency column: BillingCurrency taken as USD');
    return { warnings, notes: [] };
  },
  checks: [
    checks.required('Cost'),
    checks.number('Cost'),
    checks.number('Quantity'),
    checks.number('PayGPrice'),
    checks.number('UnitPrice'),
    { column: 'Date', bad: sql`${azureDate(str('Date'))} IS NULL`, problem: 'missing or not a date' },
    {
      column: 'BillingPeriodStartDate',
      bad: sql`${str('BillingPeriodStartDate')} IS NOT NULL AND ${azureDate(str('BillingPeriodStartDate'))} IS NULL`,
      problem: 'not a date',
    },
  ],
  map: {
    BillingAccountId: account,
    BillingAccountName: coalesce(str('in_BillingAccountName'), str('SubscriptionName'), account),
    BillingAccountType: sql`(CASE WHEN ${str('in_BillingAccountId')} IS NULL THEN 'Subscription'
      WHEN ${str('BillingProfileId')} IS NOT NULL AND ${str('BillingProfileId')} <> ${str('in_BillingAccountId')} THEN 'Billing Profile'
      ELSE 'Billing Account' END)`,
    BillingCurrency: billing,
    BillingPeriodStart: periodStart,
    BillingPeriodEnd: periodEnd,
    ChargePeriodStart: azureDate(str('Date')),
    ChargePeriodEnd: sql`${azureDate(str('Date'))} + INTERVAL 1 DAY`,
    ChargeCategory: category,
    ChargeClass: sql`(CASE WHEN ${chargeType} = 'Refund' THEN 'Correction' END)`,
    ChargeFrequency: valueMap(
      str('Frequency'),
      { UsageBased: 'Usage-Based', OneTime: 'One-Time', Recurring: 'Recurring' },
      sql`(CASE WHEN ${category} = 'Purchase' THEN 'One-Time' ELSE 'Usage-Based' END)`,
    ),
    ChargeDescription: coalesce(str('Product'), str('MeterName'), str('MeterCategory')),
    ServiceProviderName: constant('Microsoft'),
    HostProviderName: constant('Microsoft'),
    InvoiceIssuerName: constant('Microsoft'),
    ProviderName: constant('Microsoft'),
    PublisherName: coalesce(str('in_PublisherName'), constant('Microsoft')),
    // token meters are their own service (`Azure OpenAI`, the meter subcategory), so each ServiceName keeps one
    // ServiceSubcategory as FOCUS recommends
    ServiceName: sql`(CASE WHEN ${token} AND ${str('MeterSubCategory')} IS NOT NULL THEN ${str('MeterSubCategory')}
      ELSE ${coalesce(str('MeterCategory'), str('in_ServiceName'), str('ConsumedService'), constant('Azure'))} END)`,
    ServiceCategory: azureServiceCategory(coalesce(str('MeterCategory'), str('in_ServiceName'))),
    // FOCUS requires a subcategory of the category: token meters are generative AI, the rest `Other (<category>)`
    ServiceSubcategory: sql`(CASE WHEN ${token} THEN 'Generative AI'
      ELSE 'Other (' || ${azureServiceCategory(coalesce(str('MeterCategory'), str('in_ServiceName')))} || ')' END)`,
    BilledCost: cost,
    EffectiveCost: cost,
    // a line without Quantity (some header variants have none) is unitemized: one unit priced at its cost
    ListUnitPrice: sql`(CASE WHEN ${qty} IS NOT NULL THEN COALESCE(${listPrice}, 0) ELSE ${cost} END)`,
    ContractedUnitPrice: sql`(CASE WHEN ${qty} IS NOT NULL THEN COALESCE(${contractedPrice}, 0) ELSE ${cost} END)`,
    ListCost: coalesce(times(listPrice, qty), cost),
    ContractedCost: coalesce(times(contractedPrice, qty), cost),
    PricingCurrency: pricing,
    // in the pricing currency: costInPricingCurrency, else costInUsd when that is the pricing currency, else the
    // billing cost divided back by the rate (exact to 18 decimals)
    PricingCurrencyEffectiveCost: sql`(CASE WHEN ${pricing} = ${billing} THEN ${cost}
      ELSE COALESCE(${decimal('CostInPricingCurrency')}, CASE WHEN ${pricing} = 'USD' THEN ${decimal('CostInUsd')} END,
        CASE WHEN ${rate} <= 0 THEN NULL WHEN ${cost} >= 0 THEN ${divideExact(cost, rate)} ELSE -${divideExact(sql`abs(${cost})`, rate)} END) END)`,
    PricingCurrencyListUnitPrice: sql`(CASE WHEN ${qty} IS NOT NULL THEN COALESCE(${listPricePc}, 0) ELSE ${cost} END)`,
    PricingCurrencyContractedUnitPrice: sql`(CASE WHEN ${qty} IS NOT NULL THEN COALESCE(${contractedPricePc}, 0) ELSE ${cost} END)`,
    // Quantity counts blocks of UnitOfMeasure (`10K`, `100 Hours`, `1M` tokens): priced per block, consumed per unit
    PricingQuantity: coalesce(qty, sql`1`),
    PricingUnit: sql`(CASE WHEN ${qty} IS NULL THEN 'Units' WHEN ${token} THEN ${tokenPricingUnit(block)} ELSE COALESCE(${azurePricingUnit(unit)}, 'Units') END)`,
    ConsumedQuantity: sql`(CASE WHEN ${consumed} THEN COALESCE(CAST(${qty} * ${block} AS DECIMAL(38,18)), 1) END)`,
    ConsumedUnit: sql`(CASE WHEN NOT ${consumed} THEN NULL WHEN ${qty} IS NULL THEN 'Units' WHEN ${token} THEN 'Tokens' ELSE ${blockUnit(unit)} END)`,
    // a commitment's purchase is bought at its standard price; the usage it covers is Committed
    PricingCategory: sql`(CASE WHEN ${category} IN ('Tax', 'Credit', 'Adjustment') THEN NULL
      WHEN ${category} = 'Purchase' THEN 'Standard' ELSE ${valueMap(
        str('PricingModel'),
        { OnDemand: 'Standard', Reservation: 'Committed', SavingsPlan: 'Committed', Spot: 'Dynamic' },
        constant('Standard'),
      )} END)`,
    CommitmentDiscountId: commitmentId,
    CommitmentDiscountName: commitmentName,
    CommitmentDiscountType: commitmentKind,
    CommitmentDiscountCategory: valueMap(commitmentKind, { Reservation: 'Usage', 'Savings Plan': 'Spend' }),
    // FOCUS wants the commitment quantity on its usage and purchase rows: the line's quantity in its pricing unit
    CommitmentDiscountQuantity: sql`(CASE WHEN ${commitmentId} IS NOT NULL AND ${category} IN ('Usage', 'Purchase')
      AND ${chargeType} IS DISTINCT FROM 'Refund' THEN COALESCE(${qty}, 0) END)`,
    CommitmentDiscountUnit: sql`(CASE WHEN ${commitmentId} IS NOT NULL AND ${category} IN ('Usage', 'Purchase')
      AND ${chargeType} IS DISTINCT FROM 'Refund' THEN COALESCE(${unit}, 'Units') END)`,
    CommitmentDiscountStatus: sql`(CASE WHEN ${commitmentId} IS NULL OR NOT ${isUsage} THEN NULL
      WHEN ${oneOf(chargeType, ['UnusedReservation', 'UnusedSavingsPlan'])} THEN 'Unused' ELSE 'Used' END)`,
    SkuId: coalesce(str('MeterId'), constant('azure:unitemized')),
    SkuPriceId: sql`(CASE WHEN ${str('MeterId')} IS NOT NULL THEN concat_ws(':', ${str('MeterId')}, ${str('PartNumber')}, ${str('PricingModel')}, ${str('Term')}) ELSE 'azure:unitemized' END)`,
    SkuMeter: coalesce(str('MeterName'), constant('Unitemized')),
    SubAccountId: str('SubscriptionId'),
    SubAccountName: coalesce(str('SubscriptionName'), str('SubscriptionId')),
    SubAccountType: sql`(CASE WHEN ${str('SubscriptionId')} IS NOT NULL THEN 'Subscription' END)`,
    RegionId: sql`lower(replace(${str('ResourceLocation')}, ' ', ''))`,
    RegionName: str('ResourceLocation'),
    AvailabilityZone: str('AvailabilityZone'),
    ResourceId: str('ResourceId'),
    ResourceType: armResourceType(str('ResourceId')),
    ResourceName: coalesce(
      str('in_ResourceName'),
      sql`NULLIF(regexp_extract(${str('ResourceId')}, '/([^/]+)$', 1), '')`,
    ),
    InvoiceId: str('InvoiceId'),
    Tags: azureTags(str('Tags')),
    x_CostSource: constant('cloud-export'),
    x_ModelRaw: sql`(CASE WHEN ${token} THEN ${meterModel(str('MeterName'))} END)`,
    x_TokenClass: sql`(CASE WHEN ${token} THEN ${meterTokenClass(str('MeterName'))} END)`,
    x_Modality: sql`(CASE WHEN ${token} THEN 'text' END)`,
    x_ProjectId: str('SubscriptionId'),
    x_QuantityEstimated: sql`(CASE WHEN ${token} THEN false END)`,
    x_PriceDerived: sql`(CASE WHEN ${qty} IS NULL THEN true WHEN ${token} THEN false END)`,
  },
  sourceCost: cost,
  reconcileTo: 'BilledCost',
  reconcile: [{ measure: 'EffectiveCost (cost column)', source: cost, stored: sql`"EffectiveCost"` }],
  replace: { kind: 'joined' },
});

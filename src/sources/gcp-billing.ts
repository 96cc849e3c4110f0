// Google Cloud Billing export to BigQuery (standard or detailed table), as the rows `bq extract` writes in
// NEWLINE_DELIMITED_JSON (nesting kept) or as CSV with the nested fields flattened (`service.description`, or
// `service_description`) and the repeated ones (credits, labels) as JSON text. docs/vendor-formats.md#google-cloud.
//
// - Credits are nested and negative: net cost = cost + Σ credits.amount. BilledCost and EffectiveCost are the net
//   cost (what the invoice charges); ListCost is `cost_at_list` when exported, else the gross cost; ContractedCost
//   the gross cost. Ingest reconciles Σ (cost + credits), parsed from the text, to Σ BilledCost.
// - Labels are repeated key/value records: project labels, then resource labels (which win), become Tags.
// - The billing period is `invoice.month` (late usage lands on the next invoice), the charge period the usage hours.
// - Vertex AI / Gemini token SKUs become token-class rows: model, class and modality parsed from sku.description
//   (`Gemini 2.5 Flash GA Thinking Text Output - Predictions`), quantities per 1M tokens like the LLM sources.
import { defineSource, type InputColumn } from '../normalize/contract.js';
import { checks, coalesce, constant, decimal, divideExact, str, valueMap } from '../normalize/ops.js';
import { pairTags } from '../normalize/usage-ops.js';
import { lit, type Sql, sql } from '../sql.js';

/** Input column -> its path in a JSON row (also its dotted CSV header). */
const FIELDS: Record<string, string> = {
  billing_account_id: 'billing_account_id',
  service_id: 'service.id',
  service_description: 'service.description',
  sku_id: 'sku.id',
  sku_description: 'sku.description',
  usage_start_time: 'usage_start_time',
  usage_end_time: 'usage_end_time',
  project_id: 'project.id',
  project_number: 'project.number',
  project_name: 'project.name',
  project_labels: 'project.labels{}',
  labels: 'labels{}',
  location_region: 'location.region',
  location_location: 'location.location',
  location_zone: 'location.zone',
  cost: 'cost',
  cost_at_list: 'cost_at_list',
  currency: 'currency',
  usage_amount: 'usage.amount',
  usage_unit: 'usage.unit',
  usage_amount_in_pricing_units: 'usage.amount_in_pricing_units',
  usage_pricing_unit: 'usage.pricing_unit',
  credits: 'credits{}',
  invoice_month: 'invoice.month',
  cost_type: 'cost_type',
  resource_name: 'resource.name',
  resource_global_name: 'resource.global_name',
};
const REQUIRED = new Set(['cost', 'currency', 'usage_start_time', 'billing_account_id']);
const columns: Record<string, InputColumn> = Object.fromEntries(
  Object.keys(FIELDS).map((c) => [c, { type: 'VARCHAR', required: REQUIRED.has(c) }]),
);
/** CSV spellings: the dotted path (`service.description`) of a flattened record. */
const ALIASES: Record<string, string[]> = Object.fromEntries(
  Object.entries(FIELDS)
    .map(([c, p]): [string, string[]] => [c, [p.replace(/\{\}$/, '')]])
    .filter(([c, [p]]) => p !== c),
);

const cost = decimal('cost');
/** Σ credits.amount, from the JSON text of the repeated record (each amount parsed from its own digits). */
const creditSum = sql`COALESCE(list_sum(list_transform(
  regexp_extract_all(${str('credits')}, '"amount"\\s*:\\s*"?(-?[0-9.]+(?:[eE][-+]?[0-9]+)?)', 1),
  x -> TRY_CAST(x AS DECIMAL(38,18)))), 0)`;
const net = sql`CAST(${cost} + ${creditSum} AS DECIMAL(38,18))`;

/** BigQuery TIMESTAMP text: `2024-05-01 07:00:00 UTC` (bq extract) or ISO 8601. */
const bqTime = (c: string): Sql => sql`TRY_CAST(regexp_replace(${str(c)}, ' UTC$', '+00') AS TIMESTAMPTZ)`;
const invoiceMonth = sql`CAST(TRY_STRPTIME(${str('invoice_month')} || '01', '%Y%m%d') AS TIMESTAMP) AT TIME ZONE 'UTC'`;
const periodStart = coalesce(invoiceMonth, sql`date_trunc('month', ${bqTime('usage_start_time')})`);

/** `[{key, value}]` records (JSON text) as tag pairs. */
const labelPairs = (c: string): Sql =>
  sql`COALESCE(list_transform(TRY_CAST(TRY_CAST(${str(c)} AS JSON) AS STRUCT("key" VARCHAR, "value" VARCHAR)[]),
    e -> struct_pack(k := e."key", v := to_json(e."value"))), [])`;

// Vertex AI / Gemini SKUs: `<model> [GA|Preview] [Thinking] [Text|Image|Audio|Video] Input|Output ...`, and the
// caching SKUs `<model> [GA] Input Text Caching` / `... Text Input Caching [Storage]`
const desc = str('sku_description');
const SKU_MODEL = `(?i)^(.*?)\\s+(GA\\s+|Preview\\s+)?(Thinking\\s+)?((Text|Image|Audio|Video)\\s+)?(Input|Output)\\b`;
const isTokenSku = sql`COALESCE(regexp_matches(${desc}, ${lit(SKU_MODEL)})
  AND regexp_matches(lower(${desc}), '(gemini|claude|llama|mistral|palm|imagen|gemma)'), false)`;
const modelRaw = sql`lower(replace(trim(regexp_extract(${desc}, ${lit(SKU_MODEL)}, 1)), ' ', '-'))`;
const tokenClass = sql`(CASE WHEN regexp_matches(lower(${desc}), 'caching storage|storage') THEN 'other'
  WHEN lower(${str('usage_unit')}) LIKE '%char%' THEN 'other'
  WHEN regexp_matches(lower(${desc}), 'caching|cached') THEN 'cache_read'
  WHEN regexp_matches(lower(${desc}), '\\boutput\\b') THEN 'output'
  WHEN regexp_matches(lower(${desc}), '\\binput\\b') THEN 'input' ELSE 'other' END)`;
const tokenRow = sql`(${isTokenSku} AND ${tokenClass} <> 'other')`;
const modality = sql`NULLIF(lower(regexp_extract(${desc}, '(?i)\\b(text|image|audio|video)\\b', 1)), '')`;

const amount = decimal('usage_amount');
/** Token rows are priced per 1M tokens (like the LLM sources); other rows in the export's pricing unit. */
const pricingQty = sql`(CASE WHEN ${tokenRow} THEN CAST(${amount} * CAST('0.000001' AS DECIMAL(7,6)) AS DECIMAL(38,18))
  ELSE ${coalesce(decimal('usage_amount_in_pricing_units'), amount)} END)`;
const itemized = sql`(${pricingQty} > 0 AND ${pricingQty} < 10000000000000 AND ${cost} >= 0)`;
/** Unit price derived from the gross cost (the export has no list price per unit in the standard table). */
const unitPrice = (total: Sql) =>
  sql`(CASE WHEN ${itemized} THEN ${divideExact(total, pricingQty)} ELSE ${total} END)`;
const listTotal = coalesce(decimal('cost_at_list'), cost);

const category = valueMap(
  sql`lower(${str('cost_type')})`,
  { regular: 'Usage', tax: 'Tax', adjustment: 'Credit', 'rounding error': 'Adjustment' },
  constant('Usage'),
);
const serviceCategory = valueMap(
  sql`lower(${str('service_description')})`,
  {
    'vertex ai': 'AI and Machine Learning',
    'generative language api': 'AI and Machine Learning',
    'gemini api': 'AI and Machine Learning',
    'cloud ai platform': 'AI and Machine Learning',
    'compute engine': 'Compute',
    'kubernetes engine': 'Compute',
    'cloud run': 'Compute',
    'cloud functions': 'Compute',
    'cloud storage': 'Storage',
    bigquery: 'Analytics',
    'cloud sql': 'Databases',
    networking: 'Networking',
    'cloud logging': 'Management and Governance',
    'cloud monitoring': 'Management and Governance',
  },
  constant('Other'),
);
const usageLike = sql`(${category} IN ('Usage', 'Purchase'))`;

export const gcpBilling = defineSource({
  id: 'gcp-billing',
  title: 'Google Cloud Billing export (BigQuery rows as JSON lines or CSV)',
  family: 'cloud',
  dataset: 'focus',
  detects:
    'BigQuery billing export rows: JSON lines with billing_account_id, sku, usage_start_time, invoice, credits; or their CSV (service.description, sku.id, cost, ...)',
  aliases: ALIASES,
  detect: [
    { format: 'json', json: ['"billing_account_id"', '"usage_start_time"', '"sku"'] },
    {
      format: 'csv',
      header: {
        all: ['billing_account_id', 'cost', 'usage_start_time'],
        any: ['sku_id', 'sku_description', 'service_description'],
      },
    },
  ],
  reader: (s) =>
    s.format === 'csv'
      ? { kind: 'csv', columns }
      : {
          kind: 'json',
          records: { path: s.head.trimStart().startsWith('[') ? ['*'] : [], fields: FIELDS },
          columns,
        },
  checks: [
    checks.required('cost'),
    checks.number('cost'),
    checks.number('usage_amount'),
    checks.number('cost_at_list'),
    checks.required('currency'),
    {
      column: 'usage_start_time',
      bad: sql`${bqTime('usage_start_time')} IS NULL`,
      problem: 'missing or not a timestamp',
    },
    {
      column: 'invoice_month',
      bad: sql`${str('invoice_month')} IS NOT NULL AND ${invoiceMonth} IS NULL`,
      problem: 'not a YYYYMM month',
    },
    {
      column: 'credits',
      bad: sql`${str('credits')} IS NOT NULL AND ${str('credits')} <> '[]' AND (TRY_CAST(${str('credits')} AS JSON) IS NULL
        OR len(regexp_extract_all(${str('credits')}, '"amount"', 0)) <> len(list_filter(regexp_extract_all(${str('credits')},
          '"amount"\\s*:\\s*"?(-?[0-9.]+(?:[eE][-+]?[0-9]+)?)', 1), x -> TRY_CAST(x AS DECIMAL(38,18)) IS NOT NULL)))`,
      problem: 'credits are not a JSON list of records with numeric amounts',
    },
  ],
  map: {
    BillingAccountId: str('billing_account_id'),
    BillingAccountName: str('billing_account_id'),
    BillingAccountType: constant('Billing Account'),
    BillingCurrency: sql`upper(${str('currency')})`,
    BillingPeriodStart: periodStart,
    BillingPeriodEnd: sql`${periodStart} + INTERVAL 1 MONTH`,
    ChargePeriodStart: bqTime('usage_start_time'),
    ChargePeriodEnd: coalesce(bqTime('usage_end_time'), sql`${bqTime('usage_start_time')} + INTERVAL 1 HOUR`),
    ChargeCategory: category,
    ChargeClass: sql`(CASE WHEN lower(${str('cost_type')}) = 'adjustment' THEN 'Correction' END)`,
    ChargeFrequency: constant('Usage-Based'),
    ChargeDescription: coalesce(desc, str('service_description'), str('cost_type')),
    ServiceProviderName: constant('Google Cloud'),
    HostProviderName: constant('Google Cloud'),
    InvoiceIssuerName: constant('Google'),
    ProviderName: constant('Google Cloud'),
    PublisherName: constant('Google Cloud'),
    ServiceName: coalesce(str('service_description'), constant('Google Cloud')),
    // a token SKU is AI whatever its service is called (partner models bill under their own service names)
    ServiceCategory: sql`(CASE WHEN ${tokenRow} THEN 'AI and Machine Learning' ELSE ${serviceCategory} END)`,
    // one subcategory per service (FOCUS recommends it): the generative AI services, else `Other (<category>)`
    ServiceSubcategory: sql`(CASE WHEN lower(${str('service_description')}) IN ('vertex ai', 'generative language api', 'gemini api')
      OR ${tokenRow} THEN 'Generative AI' ELSE 'Other (' || ${serviceCategory} || ')' END)`,
    BilledCost: net,
    EffectiveCost: net,
    ListCost: listTotal,
    ContractedCost: cost,
    ListUnitPrice: sql`(CASE WHEN ${usageLike} THEN ${unitPrice(listTotal)} END)`,
    ContractedUnitPrice: sql`(CASE WHEN ${usageLike} THEN ${unitPrice(cost)} END)`,
    PricingQuantity: sql`(CASE WHEN NOT ${usageLike} THEN NULL WHEN ${itemized} THEN ${pricingQty} ELSE 1 END)`,
    PricingUnit: sql`(CASE WHEN NOT ${usageLike} THEN NULL WHEN NOT ${itemized} THEN 'Units' WHEN ${tokenRow} THEN '1000000 Tokens'
      ELSE COALESCE(${str('usage_pricing_unit')}, ${str('usage_unit')}, 'Units') END)`,
    ConsumedQuantity: sql`(CASE WHEN ${category} = 'Usage' AND ${sql`${desc} IS NOT NULL`} THEN COALESCE(${amount}, 1) END)`,
    ConsumedUnit: sql`(CASE WHEN ${category} <> 'Usage' OR ${desc} IS NULL THEN NULL WHEN ${tokenRow} THEN 'Tokens'
      WHEN ${amount} IS NULL THEN 'Units' ELSE COALESCE(${str('usage_unit')}, 'Units') END)`,
    PricingCategory: sql`(CASE WHEN ${usageLike} AND ${desc} IS NOT NULL THEN 'Standard' END)`,
    SkuId: sql`(CASE WHEN ${usageLike} THEN COALESCE(${str('sku_id')}, 'gcp:unitemized') END)`,
    SkuPriceId: sql`(CASE WHEN ${usageLike} AND ${desc} IS NOT NULL THEN COALESCE(${str('sku_id')}, 'gcp:unitemized') END)`,
    SkuMeter: desc,
    SubAccountId: str('project_id'),
    SubAccountName: coalesce(str('project_name'), str('project_id')),
    SubAccountType: sql`(CASE WHEN ${str('project_id')} IS NOT NULL THEN 'Project' END)`,
    RegionId: coalesce(str('location_region'), str('location_location')),
    RegionName: coalesce(str('location_region'), str('location_location')),
    AvailabilityZone: str('location_zone'),
    ResourceId: coalesce(str('resource_global_name'), str('resource_name')),
    ResourceName: str('resource_name'),
    // `//compute.googleapis.com/projects/p/zones/z/instances/i` -> `compute.googleapis.com/instances`
    ResourceType: sql`(CASE WHEN ${coalesce(str('resource_global_name'), str('resource_name'))} IS NULL THEN NULL
      ELSE COALESCE(NULLIF(regexp_extract(${str('resource_global_name')}, '^//([^/]+)/(?:.*/)?([^/]+)/[^/]+$', ['h', 'c']).h || '/'
        || regexp_extract(${str('resource_global_name')}, '^//([^/]+)/(?:.*/)?([^/]+)/[^/]+$', ['h', 'c']).c, '/'), 'Google Cloud Resource') END)`,
    Tags: sql`${pairTags(sql`list_concat(${labelPairs('project_labels')}, ${labelPairs('labels')})`)}::VARCHAR`,
    x_CostSource: constant('cloud-export'),
    x_ModelRaw: sql`(CASE WHEN ${isTokenSku} THEN ${modelRaw} END)`,
    x_TokenClass: sql`(CASE WHEN ${isTokenSku} THEN ${tokenClass} END)`,
    x_Modality: sql`(CASE WHEN ${isTokenSku} THEN ${modality} END)`,
    x_ServiceTier: sql`(CASE WHEN ${isTokenSku} THEN NULLIF(lower(regexp_extract(${desc}, '(?i)\\b(batch|priority|flex)\\b', 1)), '') END)`,
    x_ProjectId: str('project_id'),
    x_QuantityEstimated: sql`(CASE WHEN ${isTokenSku} THEN false END)`,
    x_PriceDerived: sql`(CASE WHEN ${usageLike} THEN true END)`,
  },
  // GCP's cost reconciles as cost + credits (docs/data-model.md#reconciliation)
  sourceCost: net,
  reconcileTo: 'BilledCost',
  reconcile: [
    { measure: 'ContractedCost = gross cost', source: cost, stored: sql`"ContractedCost"` },
    {
      measure: 'credits = BilledCost − ContractedCost',
      source: creditSum,
      stored: sql`("BilledCost" - "ContractedCost")`,
    },
  ],
  replace: { kind: 'period' },
});

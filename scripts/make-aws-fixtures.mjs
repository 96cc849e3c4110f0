#!/usr/bin/env node
// Writes the constructed AWS fixtures of fixtures/aws (see fixtures/aws/ORIGIN.md): one month of one payer as CUR
// 2.0 (CSV, gzip CSV, Parquet typed by the Glue types of fixtures/aws/schema/cur2_columns.csv, and a Data Exports
// delivery folder), as FOCUS 1.2 with AWS columns (CSV and Parquet, columns of schema/focus_1_2_aws_columns.csv) and
// as FOCUS 1.0 with AWS columns; plus the real legacy CUR sample cut into a legacy delivery. Deterministic: the
// scenario below is the only input; gzip output has no name or time stamp.
// Run from the repo root: node scripts/make-aws-fixtures.mjs
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';

const DIR = 'fixtures/aws';
const PAYER = '012345678901';
const ACCOUNT = '009876543210';
const START = '2025-03-01T00:00:00.000Z';
const END = '2025-04-01T00:00:00.000Z';
const RI = `arn:aws:ec2:us-east-1:${ACCOUNT}:reserved-instances/4b2c1f0e-7d3a-4e8b-9c6d-1a2b3c4d5e6f`;
const SP = `arn:aws:savingsplans::${ACCOUNT}:savingsplan/9f8e7d6c-5b4a-4321-8fed-cba987654321`;
const CR = `arn:aws:ec2:us-east-1:${ACCOUNT}:capacity-reservation/cr-0abc123def4567890`;
const EC2 = { code: 'AmazonEC2', name: 'Amazon Elastic Compute Cloud', category: 'Compute' };
const BEDROCK = { code: 'AmazonBedrock', name: 'Amazon Bedrock', category: 'AI and Machine Learning' };
const SPS = { code: 'ComputeSavingsPlans', name: 'Savings Plans for AWS Compute usage', category: 'Compute' };
const MP = {
  code: 'c7bk3xq2examplemp',
  name: 'Claude 3.5 Sonnet (Amazon Bedrock Edition)',
  category: 'AI and Machine Learning',
};
const alice = 'arn:aws:iam::123456789012:user/alice';
const bob = 'arn:aws:iam::123456789012:user/bob';

// One line item per row: type, product, usage type, amount, unit, rate, unblended cost and the type's extras.
// `eff` is the amortized cost AWS's FOCUS export gives the row (written into the FOCUS fixtures only).
const SCENARIO = [
  {
    type: 'Usage',
    p: EC2,
    ut: 'USE1-BoxUsage:m5.large',
    amt: '24',
    unit: 'Hrs',
    rate: '0.096',
    cost: '2.304',
    od: ['0.096', '2.304'],
    eff: '2.304',
    tags: { user_team: 'web' },
  },
  {
    type: 'DiscountedUsage',
    p: EC2,
    ut: 'USE1-BoxUsage:p4d.24xlarge',
    amt: '10',
    unit: 'Hrs',
    rate: '0',
    cost: '0',
    od: ['32.7726', '327.726'],
    ri: { reservation_effective_cost: '196.5' },
    eff: '196.5',
    tags: { user_team: 'ml' },
  },
  {
    type: 'RIFee',
    p: EC2,
    ut: 'USE1-HeavyUsage:p4d.24xlarge',
    amt: '744',
    unit: 'Hrs',
    rate: '13.5',
    cost: '10044',
    ri: {
      reservation_unused_amortized_upfront_fee_for_billing_period: '45',
      reservation_unused_recurring_fee: '135',
      reservation_unused_quantity: '10',
    },
    eff: '180',
  },
  {
    type: 'Fee',
    p: EC2,
    ut: 'USE1-HeavyUsage:p4d.24xlarge',
    amt: '1',
    unit: 'Quantity',
    rate: '50000',
    cost: '50000',
    ri: {},
    eff: '0',
  },
  {
    type: 'SavingsPlanCoveredUsage',
    p: EC2,
    ut: 'USE1-BoxUsage:c5.xlarge',
    amt: '100',
    unit: 'Hrs',
    rate: '0.17',
    cost: '17',
    od: ['0.17', '17'],
    sp: { savings_plan_savings_plan_effective_cost: '11.05' },
    eff: '11.05',
    tags: { user_team: 'web' },
  },
  {
    type: 'SavingsPlanNegation',
    p: EC2,
    ut: 'USE1-BoxUsage:c5.xlarge',
    amt: '100',
    unit: 'Hrs',
    rate: '-0.17',
    cost: '-17',
    sp: {},
    eff: '0',
  },
  {
    type: 'SavingsPlanRecurringFee',
    p: SPS,
    ut: 'ComputeSP:1yrNoUpfront',
    amt: '744',
    unit: 'Hrs',
    rate: '1',
    cost: '744',
    sp: { savings_plan_total_commitment_to_date: '744', savings_plan_used_commitment: '720.5' },
    eff: '23.5',
  },
  {
    type: 'SavingsPlanUpfrontFee',
    p: SPS,
    ut: 'ComputeSP:1yrAllUpfront',
    amt: '1',
    unit: 'Quantity',
    rate: '8760',
    cost: '8760',
    sp: {},
    eff: '0',
  },
  {
    type: 'Credit',
    p: BEDROCK,
    ut: '',
    amt: '',
    unit: '',
    rate: '',
    cost: '-50',
    eff: '-50',
    desc: 'AWS Activate credit',
  },
  {
    type: 'Refund',
    p: EC2,
    ut: '',
    amt: '',
    unit: '',
    rate: '',
    cost: '-3.21',
    eff: '-3.21',
    desc: 'Refund for an interrupted instance',
  },
  {
    type: 'Tax',
    p: EC2,
    ut: '',
    amt: '1',
    unit: '',
    rate: '',
    cost: '12.34',
    eff: '12.34',
    desc: 'Tax for product code AmazonEC2',
  },
  {
    type: 'EdpDiscount',
    p: EC2,
    ut: 'USE1-BoxUsage:m5.large',
    amt: '',
    unit: '',
    rate: '',
    cost: '-8.765',
    eff: '-8.765',
    desc: 'Enterprise Discount Program',
  },
  {
    type: 'BundledDiscount',
    p: EC2,
    ut: 'USE1-BoxUsage:m5.large',
    amt: '',
    unit: '',
    rate: '',
    cost: '-0.5',
    eff: '-0.5',
    desc: 'Free tier bundled discount',
  },
  {
    type: 'Usage',
    p: BEDROCK,
    ut: 'USE1-Claude4.6Sonnet-input-tokens',
    amt: '23',
    unit: '1K tokens',
    rate: '0.003',
    cost: '0.069',
    eff: '0.069',
    who: alice,
  },
  {
    type: 'Usage',
    p: BEDROCK,
    ut: 'USE1-Claude4.6Sonnet-output-tokens',
    amt: '14.266',
    unit: '1K tokens',
    rate: '0.015',
    cost: '0.214',
    eff: '0.214',
    who: alice,
  },
  {
    type: 'Usage',
    p: BEDROCK,
    ut: 'USE1-Claude4.6Opus-input-tokens',
    amt: '13.2',
    unit: '1K tokens',
    rate: '0.015',
    cost: '0.198',
    eff: '0.198',
    who: bob,
  },
  {
    type: 'Usage',
    p: BEDROCK,
    ut: 'USE1-Claude4.6Opus-output-tokens',
    amt: '13.2',
    unit: '1K tokens',
    rate: '0.075',
    cost: '0.99',
    eff: '0.99',
    who: bob,
  },
  {
    type: 'Usage',
    p: BEDROCK,
    ut: 'USE1-Claude4.6Sonnet-cache-read-input-token-count',
    amt: '100',
    unit: '1K tokens',
    rate: '0.0003',
    cost: '0.03',
    eff: '0.03',
    who: alice,
  },
  {
    type: 'Usage',
    p: BEDROCK,
    ut: 'USE1-Claude4.6Sonnet-cache-write-input-token-count',
    amt: '10',
    unit: '1K tokens',
    rate: '0.00375',
    cost: '0.0375',
    eff: '0.0375',
    who: alice,
  },
  {
    type: 'Usage',
    p: BEDROCK,
    ut: 'USE1-Llama4Maverick-mantle-input-tokens-priority',
    amt: '2',
    unit: '1M tokens',
    rate: '0.24',
    cost: '0.48',
    eff: '0.48',
    tags: { user_team: 'ml' },
  },
  {
    type: 'Usage',
    p: MP,
    ut: 'USE1-MP:USE1_InputTokenCount-Units',
    amt: '5000',
    unit: 'Units',
    rate: '0.000003',
    cost: '0.015',
    eff: '0.015',
    entity: 'AWS Marketplace',
  },
  {
    type: 'Usage',
    p: BEDROCK,
    ut: 'USE1-ProvisionedThroughput-ModelUnits',
    amt: '1',
    unit: 'Hrs',
    rate: '39.6',
    cost: '39.6',
    eff: '39.6',
  },
  {
    type: 'Usage',
    p: EC2,
    ut: 'USE1-UnusedBox:p5.48xlarge',
    amt: '2',
    unit: 'Hrs',
    rate: '98.32',
    cost: '196.64',
    od: ['98.32', '196.64'],
    res: 'cr-0abc123def4567890',
    cr: 'Unused',
    eff: '196.64',
  },
  {
    type: 'Usage',
    p: EC2,
    ut: 'USE1-BoxUsage:p5.48xlarge',
    amt: '3',
    unit: 'Hrs',
    rate: '98.32',
    cost: '294.96',
    od: ['98.32', '294.96'],
    res: 'i-0123456789abcdef0',
    cr: 'Used',
    eff: '294.96',
    tags: { user_team: 'ml' },
  },
];

const csvCell = (v) =>
  v === null || v === undefined
    ? ''
    : /[",\n]/.test(String(v))
      ? `"${String(v).replaceAll('"', '""')}"`
      : String(v);
const csv = (header, rows) =>
  `${[header, ...rows.map((r) => header.map((h) => r[h]))].map((r) => r.map(csvCell).join(',')).join('\n')}\n`;
const schema = (file) =>
  readFileSync(join(DIR, 'schema', file), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => {
      const m = /^([^,]+),("[^"]*"|[^,]*)/.exec(l);
      return { name: m[1], glue: m[2].replaceAll('"', '') };
    });
const write = (path, data) => {
  mkdirSync(dirname(join(DIR, path)), { recursive: true });
  writeFileSync(join(DIR, path), data);
};
const gz = (text) => gzipSync(Buffer.from(text), { level: 9 });

// ---------------------------------------------------------------- CUR 2.0
const cur2Cols = schema('cur2_columns.csv').filter((c) => c.name !== 'billing_period');
const lineId = (i) => `li${String(i + 1).padStart(3, '0')}constructed${'x'.repeat(20)}`;

function cur2Row(s, i) {
  const region = s.p === SPS ? null : 'us-east-1';
  const hourly = s.unit === 'Hrs' && !['RIFee', 'SavingsPlanRecurringFee'].includes(s.type);
  const usageEnd = hourly ? '2025-03-02T00:00:00.000Z' : END;
  const r = {
    bill_bill_type: 'Anniversary',
    bill_billing_entity: s.entity ?? 'AWS',
    bill_billing_period_start_date: START,
    bill_billing_period_end_date: END,
    bill_invoice_id: 'EUINUS25-000123',
    bill_invoicing_entity: 'Amazon Web Services, Inc.',
    bill_payer_account_id: PAYER,
    bill_payer_account_name: 'Example Payer',
    identity_line_item_id: lineId(i),
    identity_time_interval: `${START.slice(0, 19)}Z/${usageEnd.slice(0, 19)}Z`,
    line_item_availability_zone: s.res ? 'us-east-1a' : '',
    line_item_currency_code: 'USD',
    line_item_legal_entity: s.entity === 'AWS Marketplace' ? 'Anthropic, PBC' : 'Amazon Web Services, Inc.',
    line_item_line_item_description: s.desc ?? `${s.type} ${s.ut}`,
    line_item_line_item_type: s.type,
    line_item_operation:
      s.ut.includes('tokens') || s.ut.includes('Token') ? 'InvokeModel' : s.ut ? 'RunInstances' : '',
    line_item_product_code: s.p.code,
    line_item_resource_id:
      s.res ??
      (s.ri !== undefined && s.type !== 'DiscountedUsage'
        ? RI
        : s.sp !== undefined && s.type.endsWith('Fee')
          ? SP
          : ''),
    line_item_unblended_cost: s.cost,
    line_item_unblended_rate: s.rate,
    line_item_usage_account_id: ACCOUNT,
    line_item_usage_account_name: 'ml-platform',
    line_item_usage_amount: s.amt,
    line_item_usage_end_date: usageEnd,
    line_item_usage_start_date: START,
    line_item_usage_type: s.ut,
    line_item_iam_principal: s.who ?? '',
    pricing_currency: 'USD',
    pricing_public_on_demand_cost: s.od?.[1] ?? (s.rate ? s.cost : ''),
    pricing_public_on_demand_rate: s.od?.[0] ?? s.rate,
    pricing_rate_code: s.rate ? `SKU${i + 1}EXAMPLE.JRTCKXETXF.6YS6EN2CT7` : '',
    pricing_rate_id: s.rate ? String(9000000 + i) : '',
    pricing_term: s.ri ? 'Reserved' : s.sp ? 'Savings Plan' : s.rate ? 'OnDemand' : '',
    pricing_unit: s.unit,
    product: JSON.stringify({ product_name: s.p.name, ...(region ? { region } : {}), servicecode: s.p.code }),
    product_product_family: s.p === BEDROCK ? 'Amazon Bedrock' : '',
    product_region_code: region ?? '',
    product_servicecode: s.p.code,
    product_sku: s.rate ? `SKU${i + 1}EXAMPLE` : '',
    product_instance_type: s.ut.includes(':') && !s.ut.includes('MP:') ? s.ut.split(':')[1] : '',
    reservation_reservation_a_r_n: s.ri ? RI : '',
    savings_plan_savings_plan_a_r_n: s.sp ? SP : '',
    resource_tags: s.tags ? JSON.stringify(s.tags) : '',
    discount: s.type === 'Usage' && s.p === EC2 ? JSON.stringify({ total_discount: -0.0 }) : '',
    cost_category: s.tags?.user_team
      ? JSON.stringify({ business_unit: s.tags.user_team === 'ml' ? 'research' : 'product' })
      : '',
    capacity_reservation_capacity_reservation_arn: s.cr ? CR : '',
    capacity_reservation_capacity_reservation_status: s.cr ?? '',
    capacity_reservation_capacity_reservation_type: s.cr ? 'ODCR' : '',
    ...(s.ri ?? {}),
    ...(s.sp ?? {}),
  };
  return r;
}
const cur2Rows = SCENARIO.map(cur2Row);
const cur2Header = cur2Cols.map((c) => c.name);
const cur2Csv = csv(cur2Header, cur2Rows);
write('cur2_constructed.csv', cur2Csv);
write('cur2_constructed.csv.gz', gz(cur2Csv));
// the delivery: rows 1-12 and 13-24 in two parts, the manifest Data Exports writes beside them
const EXPORT = 'cur2-delivery/cur2-export';
const parts = [cur2Rows.slice(0, 12), cur2Rows.slice(12)];
rmSync(join(DIR, 'cur2-delivery'), { recursive: true, force: true });
for (const [i, rows] of parts.entries())
  write(`${EXPORT}/data/BILLING_PERIOD=2025-03/cur2-export-0000${i + 1}.csv.gz`, gz(csv(cur2Header, rows)));
write(
  `${EXPORT}/metadata/BILLING_PERIOD=2025-03/cur2-export-Manifest.json`,
  `${JSON.stringify(
    {
      executionId: '5c9e2a41-0b7d-4f3e-9a61-2d8c4e6f1b30',
      exportArn: `arn:aws:bcm-data-exports:us-east-1:${PAYER}:export/cur2-export-1a2b3c4d`,
      billingPeriod: { start: START, end: END },
      columns: cur2Cols.map((c) => ({ name: c.name, type: c.glue || 'string' })),
      dataFiles: parts.map(
        (_, i) =>
          `s3://example-bucket/cur2/cur2-export/data/BILLING_PERIOD=2025-03/cur2-export-0000${i + 1}.csv.gz`,
      ),
    },
    null,
    2,
  )}\n`,
);

// ---------------------------------------------------------------- FOCUS 1.2 and 1.0 with AWS columns
const CATEGORY = {
  Usage: 'Usage',
  DiscountedUsage: 'Usage',
  SavingsPlanCoveredUsage: 'Usage',
  SavingsPlanNegation: 'Usage',
  RIFee: 'Usage',
  Fee: 'Purchase',
  SavingsPlanRecurringFee: 'Usage',
  SavingsPlanUpfrontFee: 'Purchase',
  Tax: 'Tax',
  Credit: 'Credit',
  Refund: 'Credit',
  EdpDiscount: 'Credit',
  BundledDiscount: 'Credit',
};
function focusRow(s, i) {
  const c = cur2Rows[i];
  const category = CATEGORY[s.type];
  const usage = category === 'Usage';
  const priced = usage || category === 'Purchase';
  const commitment = s.ri ? RI : s.sp ? SP : null;
  // a commitment's recurring fee is its unused part (Usage, Unused); a negative rate is a price of a negative quantity
  const unused = ['RIFee', 'SavingsPlanRecurringFee'].includes(s.type);
  const neg = s.rate.startsWith('-');
  const price = neg ? s.rate.slice(1) : s.rate;
  const qty = neg ? `-${s.amt}` : s.amt;
  return {
    AvailabilityZone: c.line_item_availability_zone,
    BilledCost: s.cost,
    BillingAccountId: PAYER,
    BillingAccountName: 'Example Payer',
    BillingAccountType: 'Billing Account',
    BillingCurrency: 'USD',
    BillingPeriodEnd: '2025-04-01T00:00:00Z',
    BillingPeriodStart: '2025-03-01T00:00:00Z',
    CapacityReservationId: s.cr ? CR : '',
    CapacityReservationStatus: s.cr ?? '',
    ChargeCategory: category,
    ChargeClass: '',
    ChargeDescription: c.line_item_line_item_description,
    ChargeFrequency: unused ? 'Recurring' : usage || s.type.endsWith('Discount') ? 'Usage-Based' : 'One-Time',
    ChargePeriodEnd: `${c.line_item_usage_end_date.slice(0, 19)}Z`,
    ChargePeriodStart: '2025-03-01T00:00:00Z',
    CommitmentDiscountCategory: commitment ? (s.ri ? 'Usage' : 'Spend') : '',
    CommitmentDiscountId: commitment ?? '',
    CommitmentDiscountName: '',
    CommitmentDiscountQuantity:
      commitment && priced
        ? ({
            RIFee: '10',
            SavingsPlanRecurringFee: '23.5',
            SavingsPlanCoveredUsage: '11.05',
            SavingsPlanNegation: '0',
            SavingsPlanUpfrontFee: s.cost,
          }[s.type] ?? s.amt)
        : '',
    CommitmentDiscountType: commitment ? (s.ri ? 'Reservation' : 'Savings Plan') : '',
    CommitmentDiscountUnit: commitment && priced ? (s.ri ? 'Hours' : 'USD') : '',
    CommitmentDiscountStatus: commitment && usage ? (unused ? 'Unused' : 'Used') : '',
    ConsumedQuantity: usage && !unused ? s.amt : '',
    ConsumedUnit: usage && !unused ? s.unit : '',
    ContractedCost: s.cost,
    ContractedUnitPrice: priced ? price : '',
    EffectiveCost: s.eff,
    InvoiceId: 'EUINUS25-000123',
    InvoiceIssuerName: 'Amazon Web Services, Inc.',
    ListCost: s.od?.[1] ?? s.cost,
    ListUnitPrice: priced ? (s.od?.[0] ?? price) : '',
    PricingCategory: priced ? (commitment ? 'Committed' : 'Standard') : '',
    PricingCurrency: 'USD',
    PricingCurrencyContractedUnitPrice: priced ? price : '',
    PricingCurrencyEffectiveCost: s.eff,
    PricingCurrencyListUnitPrice: priced ? (s.od?.[0] ?? price) : '',
    PricingQuantity: priced ? qty : '',
    PricingUnit: priced ? s.unit : '',
    ProviderName: 'AWS',
    PublisherName: s.entity === 'AWS Marketplace' ? 'Anthropic, PBC' : 'Amazon Web Services, Inc.',
    RegionId: c.product_region_code,
    RegionName: c.product_region_code ? 'US East (N. Virginia)' : '',
    ResourceId: c.line_item_resource_id,
    ResourceName: '',
    ResourceType: '',
    ServiceCategory: s.p.category,
    ServiceName: s.p.name,
    ServiceSubcategory: s.p === BEDROCK || s.p === MP ? 'Generative AI' : 'Other (Compute)',
    SkuId: c.product_sku,
    SkuMeter: s.ut,
    SkuPriceId: c.pricing_rate_code,
    SkuPriceDetails: '',
    SubAccountId: ACCOUNT,
    SubAccountName: 'ml-platform',
    SubAccountType: 'Linked Account',
    Tags: s.tags
      ? JSON.stringify(
          Object.fromEntries(Object.entries(s.tags).map(([k, v]) => [k.replace(/^user_/, 'user:'), v])),
        )
      : '',
    x_Discounts: s.type === 'Usage' && s.p === EC2 ? JSON.stringify({ edp_discount: 0 }) : '',
    x_Operation: c.line_item_operation,
    x_ServiceCode: s.p.code,
    x_UsageType: s.ut,
    x_CostCategories: s.tags?.user_team
      ? JSON.stringify({ business_unit: s.tags.user_team === 'ml' ? 'research' : 'product' })
      : '',
  };
}
const focusRows = SCENARIO.map(focusRow);
const focus12Cols = schema('focus_1_2_aws_columns.csv');
write(
  'focus12_aws_constructed.csv',
  csv(
    focus12Cols.map((c) => c.name),
    focusRows,
  ),
);
// FOCUS 1.0 with AWS columns: the 43 FOCUS 1.0 columns (as in the FOCUS 1.0 sample data) + its five x_ columns
const FOCUS10 = readFileSync('fixtures/focus/focus10_sample_40rows.csv', 'utf8')
  .split('\n')[0]
  .replaceAll('"', '')
  .split(',')
  .filter((c) => c !== 'Id');
const focus10Cols = [
  ...FOCUS10,
  'x_CostCategories',
  'x_Discounts',
  'x_Operation',
  'x_ServiceCode',
  'x_UsageType',
];
// one row per kind: on-demand, RI, Savings Plan covered + negation, tax, credit, and the Bedrock token rows
const FOCUS10_ROWS = [0, 1, 4, 5, 10, 8, 13, 14, 17, 21];
write(
  'focus10_aws_constructed.csv',
  csv(
    focus10Cols,
    FOCUS10_ROWS.map((i) => focusRows[i]),
  ),
);

// ---------------------------------------------------------------- Parquet, typed as AWS's Glue table declares
const duck = (glue) =>
  glue === 'double'
    ? 'DOUBLE'
    : glue === 'timestamp'
      ? 'TIMESTAMP'
      : glue.startsWith('map<string,double>')
        ? 'MAP(VARCHAR, DOUBLE)'
        : glue.startsWith('map')
          ? 'MAP(VARCHAR, VARCHAR)'
          : 'VARCHAR';
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
await conn.run("SET TimeZone = 'UTC'");
async function toParquet(csvPath, cols, out) {
  const sel = cols
    .map(({ name, glue }) => {
      const t = duck(glue);
      const v = `NULLIF("${name}", '')`;
      const e = t.startsWith('MAP')
        ? `CAST(CAST(${v} AS JSON) AS ${t})`
        : t === 'TIMESTAMP'
          ? `CAST(CAST(${v} AS TIMESTAMPTZ) AS TIMESTAMP)`
          : `CAST(${v} AS ${t})`;
      return `${e} AS "${name}"`;
    })
    .join(', ');
  await conn.run(
    `COPY (SELECT ${sel} FROM read_csv('${join(DIR, csvPath)}', all_varchar = true, header = true)) TO '${join(DIR, out)}' (FORMAT parquet, COMPRESSION zstd)`,
  );
}
await toParquet('cur2_constructed.csv', cur2Cols, 'cur2_constructed.parquet');
await toParquet('focus12_aws_constructed.csv', focus12Cols, 'focus12_aws_constructed.parquet');

// ---------------------------------------------------------------- the real legacy sample as its Athena Parquet
// names as AWS's Athena integration writes them (`lineItem/UnblendedCost` -> `line_item_unblended_cost`, `…ARN` ->
// `…_a_r_n`); amounts and costs DOUBLE, the four dates TIMESTAMP, the rest (rates included) VARCHAR
const legacyHeader = readFileSync(join(DIR, 'legacy_cur_sample.csv'), 'utf8').split('\n', 1)[0].split(',');
const athena = (c) =>
  c
    .replace('/', '_')
    .replace(/([A-Z])/g, '_$1')
    .toLowerCase()
    .replace(/_+/g, '_');
const legacyType = (c) =>
  /Date$/.test(c)
    ? 'TIMESTAMP'
    : /(Cost|Amount|Fee|Quantity|Factor|Value)$/.test(c) && !c.includes('Rate')
      ? 'DOUBLE'
      : 'VARCHAR';
await conn.run(
  `COPY (SELECT ${legacyHeader
    .map((c) => {
      const t = legacyType(c);
      const v = `NULLIF("${c}", '')`;
      const e = t === 'TIMESTAMP' ? `CAST(CAST(${v} AS TIMESTAMPTZ) AS TIMESTAMP)` : `CAST(${v} AS ${t})`;
      return `${e} AS "${athena(c)}"`;
    })
    .join(', ')} FROM read_csv('${join(DIR, 'legacy_cur_sample.csv')}', all_varchar = true, header = true))
   TO '${join(DIR, 'legacy_cur_sample.parquet')}' (FORMAT parquet, COMPRESSION zstd)`,
);

// ---------------------------------------------------------------- the real legacy sample as a legacy delivery
const legacy = readFileSync(join(DIR, 'legacy_cur_sample.csv'), 'utf8').trimEnd().split('\n');
const [head, ...body] = legacy;
const ASSEMBLY = '3e1f7a20-8c4b-4d2e-b5a6-9f0c1d2e3f40';
const REPORT = 'legacy-delivery/cur-report/20231101-20231201';
rmSync(join(DIR, 'legacy-delivery'), { recursive: true, force: true });
const halves = [body.slice(0, 640), body.slice(640)];
for (const [i, rows] of halves.entries())
  write(`${REPORT}/${ASSEMBLY}/cur-report-${i + 1}.csv.gz`, gz(`${[head, ...rows].join('\n')}\n`));
write(
  `${REPORT}/cur-report-Manifest.json`,
  `${JSON.stringify(
    {
      assemblyId: ASSEMBLY,
      account: '123412340534',
      reportName: 'cur-report',
      billingPeriod: { start: '20231101T000000.000Z', end: '20231201T000000.000Z' },
      bucket: 'example-cur-bucket',
      reportKeys: halves.map(
        (_, i) => `cur/cur-report/20231101-20231201/${ASSEMBLY}/cur-report-${i + 1}.csv.gz`,
      ),
    },
    null,
    2,
  )}\n`,
);
console.log('fixtures/aws written');

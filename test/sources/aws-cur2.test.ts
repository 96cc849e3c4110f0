// aws-cur2 on the constructed CUR 2.0 month (fixtures/aws/ORIGIN.md): every line item type's BilledCost and
// EffectiveCost, the commitment and capacity-reservation columns, and the Bedrock token rows, all hand-computed from
// the scenario table of the origin note; the same month as CSV, gzip CSV, Parquet and a Data Exports delivery.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, ingestInto, one, q, scratchHomes } from '../helpers/home.js';

const home = scratchHomes(afterAll);

/** The line item type of each record (CSV line) of cur2_constructed.csv, in file order. */
const TYPES = [
  'Usage',
  'DiscountedUsage',
  'RIFee',
  'Fee',
  'SavingsPlanCoveredUsage',
  'SavingsPlanNegation',
  'SavingsPlanRecurringFee',
  'SavingsPlanUpfrontFee',
  'Credit',
  'Refund',
  'Tax',
  'EdpDiscount',
  'BundledDiscount',
  ...Array(9).fill('Usage (Bedrock)'),
  'Usage',
  'Usage',
];
const byType = TYPES.map((t, i) => `('${i + 2}', '${t}')`).join(', ');
const PER_TYPE = `SELECT t.type, sum(BilledCost)::VARCHAR billed, sum(EffectiveCost)::VARCHAR effective, count(*)::INT n
  FROM focus JOIN (VALUES ${byType}) t(line, type) ON x_SourceRecord = t.line GROUP BY 1 ORDER BY 1`;

/** Hand-computed per type from the scenario table (fixtures/aws/ORIGIN.md): billed = unblended, effective = amortized. */
const EXPECTED_PER_TYPE = [
  // on-demand 2.304 + capacity reservation unused 196.64 + used 294.96
  { type: 'Usage', billed: '493.904', effective: '493.904', n: 3 },
  // 0.069 + 0.214 + 0.198 + 0.99 + 0.03 + 0.0375 + 0.48 + 0.015 + 39.6
  { type: 'Usage (Bedrock)', billed: '41.6335', effective: '41.6335', n: 9 },
  // RI usage is 0 unblended, its effective cost 196.5
  { type: 'DiscountedUsage', billed: '0', effective: '196.5', n: 1 },
  // the RI's monthly fee bills 10044; its unused part is 45 upfront share + 135 recurring
  { type: 'RIFee', billed: '10044', effective: '180', n: 1 },
  // the RI's upfront fee is spread into its usage: 0 effective
  { type: 'Fee', billed: '50000', effective: '0', n: 1 },
  { type: 'SavingsPlanCoveredUsage', billed: '17', effective: '11.05', n: 1 },
  { type: 'SavingsPlanNegation', billed: '-17', effective: '0', n: 1 },
  // commitment 744, used 720.5: 23.5 unused
  { type: 'SavingsPlanRecurringFee', billed: '744', effective: '23.5', n: 1 },
  { type: 'SavingsPlanUpfrontFee', billed: '8760', effective: '0', n: 1 },
  { type: 'Credit', billed: '-50', effective: '-50', n: 1 },
  { type: 'Refund', billed: '-3.21', effective: '-3.21', n: 1 },
  { type: 'Tax', billed: '12.34', effective: '12.34', n: 1 },
  { type: 'EdpDiscount', billed: '-8.765', effective: '-8.765', n: 1 },
  { type: 'BundledDiscount', billed: '-0.5', effective: '-0.5', n: 1 },
];
/** DuckDB prints a DECIMAL(38,18) with 18 decimals. */
const d18 = (x: string) => {
  const [i, f = ''] = x.split('.');
  return `${i}.${f.padEnd(18, '0')}`;
};
const sorted = [...EXPECTED_PER_TYPE]
  .sort((a, b) => (a.type < b.type ? -1 : 1))
  .map((e) => ({ ...e, billed: d18(e.billed), effective: d18(e.effective) }));

// Σ billed = 70033.4025 (the sum of line_item_unblended_cost); Σ effective = 896.4525
const TOTAL = { billed: '70033.402500000000000000', effective: '896.452500000000000000' };

describe('the CUR 2.0 CSV', () => {
  let h: string;
  beforeAll(async () => {
    h = home();
    const r = await ingestInto(h, [fixture('aws/cur2_constructed.csv')]);
    expect(r.files.map((f) => [f.sourceId, f.status, f.rowsIn, f.rowsOut])).toEqual([
      ['aws-cur2', 'ingested', 24, 24],
    ]);
    // the unknown Bedrock usage type is kept as class "other" and said so
    expect(r.files[0]!.notes).toContain(
      '1 Bedrock line items with a usage type that names no known token count, kept as token class "other": USE1-ProvisionedThroughput-ModelUnits',
    );
    expect(r.files[0]!.reconciliation[0]).toMatchObject({ source: TOTAL.billed, stored: TOTAL.billed });
  });

  it('BilledCost and EffectiveCost per line item type are the hand-computed ones', async () => {
    expect(await q(h, PER_TYPE)).toEqual(sorted);
    expect(
      await one(
        h,
        'SELECT sum(BilledCost)::VARCHAR billed, sum(EffectiveCost)::VARCHAR effective FROM focus',
      ),
    ).toEqual(TOTAL);
  });

  it('RI and Savings Plan rows carry the FOCUS commitment-discount columns', async () => {
    const rows = await q(
      h,
      `SELECT x_SourceRecord::INT line, ChargeCategory cat, ChargeFrequency freq, CommitmentDiscountType ctype,
         CommitmentDiscountCategory dcat, CommitmentDiscountStatus status, CommitmentDiscountQuantity::VARCHAR qty,
         CommitmentDiscountUnit unit, right(CommitmentDiscountId, 12) id
       FROM focus WHERE CommitmentDiscountId IS NOT NULL ORDER BY 1`,
    );
    expect(rows).toEqual([
      {
        line: 3,
        cat: 'Usage',
        freq: 'Usage-Based',
        ctype: 'Reservation',
        dcat: 'Usage',
        status: 'Used',
        qty: d18('10'),
        unit: 'Hours',
        id: '1a2b3c4d5e6f',
      },
      {
        line: 4,
        cat: 'Usage',
        freq: 'Recurring',
        ctype: 'Reservation',
        dcat: 'Usage',
        status: 'Unused',
        qty: d18('10'),
        unit: 'Hours',
        id: '1a2b3c4d5e6f',
      },
      {
        line: 5,
        cat: 'Purchase',
        freq: 'One-Time',
        ctype: 'Reservation',
        dcat: 'Usage',
        status: null,
        qty: d18('1'),
        unit: 'Hours',
        id: '1a2b3c4d5e6f',
      },
      {
        line: 6,
        cat: 'Usage',
        freq: 'Usage-Based',
        ctype: 'Savings Plan',
        dcat: 'Spend',
        status: 'Used',
        qty: d18('11.05'),
        unit: 'USD',
        id: 'cba987654321',
      },
      {
        line: 7,
        cat: 'Usage',
        freq: 'Usage-Based',
        ctype: 'Savings Plan',
        dcat: 'Spend',
        status: 'Used',
        qty: d18('0'),
        unit: 'USD',
        id: 'cba987654321',
      },
      {
        line: 8,
        cat: 'Usage',
        freq: 'Recurring',
        ctype: 'Savings Plan',
        dcat: 'Spend',
        status: 'Unused',
        qty: d18('23.5'),
        unit: 'USD',
        id: 'cba987654321',
      },
      {
        line: 9,
        cat: 'Purchase',
        freq: 'One-Time',
        ctype: 'Savings Plan',
        dcat: 'Spend',
        status: null,
        qty: d18('8760'),
        unit: 'USD',
        id: 'cba987654321',
      },
    ]);
  });

  it('a negation is a positive price of a negative quantity; credits, refunds, tax and discounts are not priced', async () => {
    expect(
      await one(
        h,
        `SELECT ContractedUnitPrice::VARCHAR p, PricingQuantity::VARCHAR qty, ContractedCost::VARCHAR c, ListCost::VARCHAR l
         FROM focus WHERE x_SourceRecord = '7'`,
      ),
    ).toEqual({ p: d18('0.17'), qty: d18('-100'), c: d18('-17'), l: d18('-17') });
    expect(
      await q(
        h,
        `SELECT ChargeCategory cat, count(*)::INT n, count(PricingQuantity)::INT priced FROM focus
         WHERE x_SourceRecord::INT BETWEEN 10 AND 14 GROUP BY 1 ORDER BY 1`,
      ),
    ).toEqual([
      { cat: 'Credit', n: 4, priced: 0 },
      { cat: 'Tax', n: 1, priced: 0 },
    ]);
  });

  it('capacity reservation rows are Used / Unused from the export, account ids keep their leading zeros', async () => {
    expect(
      await q(
        h,
        `SELECT CapacityReservationStatus s, right(CapacityReservationId, 20) id, ResourceType t, BilledCost::VARCHAR b
         FROM focus WHERE CapacityReservationId IS NOT NULL ORDER BY 1`,
      ),
    ).toEqual([
      { s: 'Unused', id: 'cr-0abc123def4567890', t: 'Capacity Reservation', b: d18('196.64') },
      { s: 'Used', id: 'cr-0abc123def4567890', t: 'Instance', b: d18('294.96') },
    ]);
    expect(
      await q(h, 'SELECT DISTINCT BillingAccountId, SubAccountId, BillingPeriodStart::VARCHAR p FROM focus'),
    ).toEqual([
      { BillingAccountId: '012345678901', SubAccountId: '009876543210', p: '2025-03-01 00:00:00+00' },
    ]);
  });

  it('Bedrock token line items are token-class rows with tokens as the consumed quantity', async () => {
    const rows = await q(
      h,
      `SELECT x_TokenClass cls, x_ModelRaw model, x_ServiceTier tier, ConsumedQuantity::VARCHAR tokens, ConsumedUnit unit,
         SkuMeter meter, BilledCost::VARCHAR billed, json_extract_string(Tags, '$.iam_principal') who
       FROM focus WHERE x_TokenClass IS NOT NULL ORDER BY x_SourceRecord::INT`,
    );
    const t = (
      cls: string,
      model: string | null,
      tokens: string,
      unit: string,
      meter: string,
      cost: string,
      who: string | null = null,
      tier: string | null = null,
    ) => ({
      cls,
      model,
      tier,
      tokens: d18(tokens),
      unit,
      meter,
      billed: d18(cost),
      who,
    });
    const alice = 'arn:aws:iam::123456789012:user/alice';
    const bob = 'arn:aws:iam::123456789012:user/bob';
    expect(rows).toEqual([
      // 23 × 1K tokens, 14.266 × 1K, 13.2 × 1K, 13.2 × 1K, 100 × 1K, 10 × 1K, 2 × 1M, 5000 units (tokens)
      t('input', 'Claude4.6Sonnet', '23000', 'Tokens', 'Input Tokens', '0.069', alice),
      t('output', 'Claude4.6Sonnet', '14266', 'Tokens', 'Output Tokens', '0.214', alice),
      t('input', 'Claude4.6Opus', '13200', 'Tokens', 'Input Tokens', '0.198', bob),
      t('output', 'Claude4.6Opus', '13200', 'Tokens', 'Output Tokens', '0.99', bob),
      t('cache_read', 'Claude4.6Sonnet', '100000', 'Tokens', 'Cache Read Input Tokens', '0.03', alice),
      t('cache_write', 'Claude4.6Sonnet', '10000', 'Tokens', 'Cache Write Input Tokens', '0.0375', alice),
      t('input', 'Llama4Maverick', '2000000', 'Tokens', 'Input Tokens', '0.48', null, 'priority'),
      t('input', 'Claude 3.5 Sonnet (Amazon Bedrock Edition)', '5000', 'Tokens', 'Input Tokens', '0.015'),
      t('other', null, '1', 'Hours', 'USE1-ProvisionedThroughput-ModelUnits', '39.6'),
    ]);
    // tokens per class, hand-summed: input 23000 + 13200 + 2000000 + 5000
    expect(
      await q(
        h,
        `SELECT x_TokenClass cls, sum(ConsumedQuantity)::BIGINT::VARCHAR tokens, count(*)::INT n FROM focus
         WHERE x_TokenClass <> 'other' GROUP BY 1 ORDER BY 1`,
      ),
    ).toEqual([
      { cls: 'cache_read', tokens: '100000', n: 1 },
      { cls: 'cache_write', tokens: '10000', n: 1 },
      { cls: 'input', tokens: '2041200', n: 4 },
      { cls: 'output', tokens: '27466', n: 2 },
    ]);
  });
});

describe('the same month as gzip CSV, Parquet and a Data Exports delivery', () => {
  const TOTALS = `SELECT count(*)::INT n, sum(BilledCost)::VARCHAR billed, sum(EffectiveCost)::VARCHAR effective,
    sum(ConsumedQuantity) FILTER (WHERE x_TokenClass = 'input')::VARCHAR inp FROM focus`;
  const want = { n: 24, ...TOTAL, inp: d18('2041200') };
  for (const [name, path] of [
    ['gzip CSV', 'aws/cur2_constructed.csv.gz'],
    ['Parquet (Glue types: doubles, timestamps, maps)', 'aws/cur2_constructed.parquet'],
    ['delivery folder', 'aws/cur2-delivery'],
  ] as const) {
    it(name, async () => {
      const h = home();
      const r = await ingestInto(h, [fixture(path)]);
      expect(r.files.map((f) => [f.sourceId, f.rowsIn])).toEqual([['aws-cur2', 24]]);
      expect(await one(h, TOTALS)).toEqual(want);
      // Parquet maps became JSON: the product name, cost categories and resource tags
      expect(
        await one(
          h,
          `SELECT ServiceName s, Tags::VARCHAR t, RegionName r FROM focus WHERE ChargeDescription = 'Usage USE1-BoxUsage:m5.large'`,
        ),
      ).toEqual({
        s: 'Amazon Elastic Compute Cloud',
        // the cost_category map folded into Tags (as AWS's FOCUS 1.2 does), resource tags winning on a shared key
        t: '{"business_unit":"product","user_team":"web"}',
        r: 'us-east-1',
      });
    });
  }

  it('a later delivery of the same account and month replaces the earlier one (restatement)', async () => {
    const h = home();
    await ingestInto(h, [fixture('aws/cur2_constructed.csv')]);
    const r = await ingestInto(h, [fixture('aws/cur2_constructed.parquet')]);
    expect(r.files[0]!.replaced).toBe(24);
    expect(await one(h, TOTALS)).toEqual(want);
  });

  it('the fixture header is exactly the schema file (column names in its order, partition column aside)', () => {
    const schema = readFileSync(fixture('aws/schema/cur2_columns.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[0])
      .filter((c) => c !== 'billing_period');
    const header = readFileSync(fixture('aws/cur2_constructed.csv'), 'utf8').split('\n')[0]!.split(',');
    expect(header).toEqual(schema);
    expect(header).toHaveLength(130);
  });
});

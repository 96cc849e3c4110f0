// aws-focus on the constructed FOCUS_1_2_AWS (CSV, Parquet) and FOCUS_1_0_AWS exports (fixtures/aws/ORIGIN.md): the
// cost columns are carried over exactly, Bedrock token rows get their class and tokens, Parquet maps and 1.0's cost
// categories become Tags; totals hand-computed from the scenario table.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, ingestInto, one, q, scratchHomes } from '../helpers/home.js';

const home = scratchHomes(afterAll);
const d18 = (x: string) => {
  const [i, f = ''] = x.split('.');
  return `${i}.${f.padEnd(18, '0')}`;
};

const TOTALS = `SELECT count(*)::INT n, sum(BilledCost)::VARCHAR billed, sum(EffectiveCost)::VARCHAR effective,
  sum(ListCost)::VARCHAR list, count(*) FILTER (WHERE x_CostSource = 'focus')::INT carried FROM focus`;
const TOKENS = `SELECT x_TokenClass cls, sum(ConsumedQuantity)::BIGINT::VARCHAR tokens, min(ConsumedUnit) unit, count(*)::INT n
  FROM focus WHERE x_TokenClass IS NOT NULL GROUP BY 1 ORDER BY 1`;

describe('FOCUS 1.2 with AWS columns', () => {
  for (const file of ['focus12_aws_constructed.csv', 'focus12_aws_constructed.parquet']) {
    it(file, async () => {
      const h = home();
      const r = await ingestInto(h, [fixture('aws', file)]);
      expect(r.files.map((f) => [f.sourceId, f.rowsIn, f.rowsOut])).toEqual([['aws-focus', 24, 24]]);
      expect(r.files[0]!.notes).toContain('FOCUS 1.2 input upgraded to 1.3');
      // billed 70033.4025 and effective 896.4525 as in the CUR 2.0 month; list adds the RI usage's on-demand
      // 327.726 to the billed total (every other row lists at what it bills)
      expect(await one(h, TOTALS)).toEqual({
        n: 24,
        billed: d18('70033.4025'),
        effective: d18('896.4525'),
        list: d18('70361.1285'),
        carried: 24,
      });
      // 1K-token and 1M-token blocks become tokens: input 23000 + 13200 + 2000000 + 5000
      expect(await q(h, TOKENS)).toEqual([
        { cls: 'cache_read', tokens: '100000', unit: 'Tokens', n: 1 },
        { cls: 'cache_write', tokens: '10000', unit: 'Tokens', n: 1 },
        { cls: 'input', tokens: '2041200', unit: 'Tokens', n: 4 },
        { cls: 'other', tokens: '1', unit: 'Hrs', n: 1 },
        { cls: 'output', tokens: '27466', unit: 'Tokens', n: 2 },
      ]);
      expect(
        await q(
          h,
          `SELECT x_ModelRaw m, x_ServiceTier t, SkuMeter s FROM focus WHERE x_TokenClass = 'input' ORDER BY x_ModelRaw`,
        ),
      ).toEqual([
        { m: 'Claude 3.5 Sonnet (Amazon Bedrock Edition)', t: null, s: 'Input Tokens' },
        { m: 'Claude4.6Opus', t: null, s: 'Input Tokens' },
        { m: 'Claude4.6Sonnet', t: null, s: 'Input Tokens' },
        { m: 'Llama4Maverick', t: 'priority', s: 'Input Tokens' },
      ]);
      // Parquet's Tags map is a JSON object like the CSV's; commitment rows as exported
      expect(
        await q(
          h,
          `SELECT Tags::VARCHAR t, count(*)::INT n FROM focus WHERE Tags IS NOT NULL GROUP BY 1 ORDER BY 1`,
        ),
      ).toEqual([
        { t: '{"user:team":"ml"}', n: 3 },
        { t: '{"user:team":"web"}', n: 2 },
      ]);
      expect(
        await q(
          h,
          `SELECT CommitmentDiscountStatus s, count(*)::INT n, sum(EffectiveCost)::VARCHAR e FROM focus
           WHERE CommitmentDiscountId IS NOT NULL GROUP BY 1 ORDER BY 1`,
        ),
      ).toEqual([
        // RI unused 180 + SP unused 23.5
        { s: 'Unused', n: 2, e: d18('203.5') },
        // RI usage 196.5 + SP covered 11.05 + negation 0
        { s: 'Used', n: 3, e: d18('207.55') },
        // the two upfront fees
        { s: null, n: 2, e: d18('0') },
      ]);
    });
  }
});

describe('FOCUS 1.0 with AWS columns', () => {
  it('ingests; x_UsageType gives the token class, x_CostCategories joins Tags', async () => {
    const h = home();
    const r = await ingestInto(h, [fixture('aws/focus10_aws_constructed.csv')]);
    expect(r.files.map((f) => [f.sourceId, f.rowsIn])).toEqual([['aws-focus', 10]]);
    expect(r.files[0]!.notes).toContain('FOCUS 1.0 input upgraded to 1.3');
    // on-demand, RI, SP covered, SP negation, tax, credit, Sonnet input/output, cache read, provisioned throughput:
    // billed 2.304 + 0 + 17 − 17 + 12.34 − 50 + 0.069 + 0.214 + 0.03 + 39.6; effective the same with 196.5 and 11.05
    // for the RI and Savings Plan rows and 0 for the negation
    expect(await one(h, TOTALS)).toMatchObject({
      n: 10,
      billed: d18('4.557'),
      effective: d18('212.107'),
      carried: 10,
    });
    expect(await q(h, TOKENS)).toEqual([
      { cls: 'cache_read', tokens: '100000', unit: 'Tokens', n: 1 },
      { cls: 'input', tokens: '23000', unit: 'Tokens', n: 1 },
      { cls: 'other', tokens: '1', unit: 'Hrs', n: 1 },
      { cls: 'output', tokens: '14266', unit: 'Tokens', n: 1 },
    ]);
    expect(
      await q(h, `SELECT DISTINCT Tags::VARCHAR t FROM focus WHERE Tags IS NOT NULL ORDER BY 1`),
    ).toEqual([
      { t: '{"business_unit":"product","user:team":"web"}' },
      { t: '{"business_unit":"research","user:team":"ml"}' },
    ]);
  });

  it('the 1.0 and 1.2 exports of one account and month restate each other: the later replaces the earlier', async () => {
    const h = home();
    await ingestInto(h, [fixture('aws/focus12_aws_constructed.csv')]);
    const r = await ingestInto(h, [fixture('aws/focus10_aws_constructed.csv')]);
    expect(r.files[0]!.replaced).toBe(24);
    expect(await one(h, 'SELECT count(*)::INT n, sum(BilledCost)::VARCHAR b FROM focus')).toEqual({
      n: 10,
      b: d18('4.557'),
    });
  });

  it('the 1.2 fixture header is exactly the schema file', () => {
    const schema = readFileSync(fixture('aws/schema/focus_1_2_aws_columns.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[0]);
    const header = readFileSync(fixture('aws/focus12_aws_constructed.csv'), 'utf8')
      .split('\n')[0]!
      .split(',');
    expect(header).toEqual(schema);
    expect(header).toHaveLength(60);
  });
});
